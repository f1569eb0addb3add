//! `tactful`: the one binary. Parses the command line, reads files, and hands
//! texts to the pure core; prints results. All I/O lives here or in the adapter crates.

mod check;
mod classify;
mod coach;
mod company;
mod demo;
mod eval;
mod history;
mod import;
mod input;
mod model;
mod people;
mod relate;
mod render;
mod report;
mod responses;
mod rules;
mod serve;
mod store;
mod table;
mod today;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "tactful",
    version,
    about = "A local-first coach and compliance guard for people who sell through social media."
)]
struct Cli {
    /// Show the full chain of causes when something goes wrong.
    #[arg(long, global = true)]
    verbose: bool,
    /// The date and time to treat as now (2026-11-21T09:00:00Z or 2026-11-21);
    /// also the TACTFUL_NOW environment variable. Default: the system clock.
    #[arg(long, global = true, value_name = "WHEN")]
    now: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A tour on a made-up seller's history: import, scan, contacts, the pitch gate.
    Demo(demo::Args),
    /// The web app on 127.0.0.1: check drafts, import, contacts, inbox, report, plan, rules.
    Serve(serve::Args),
    /// Check drafts (posts, comments, messages, bios) before you publish them.
    Check(check::Args),
    /// List, explain and test rules.
    #[command(subcommand)]
    Rules(rules::Command),
    /// Measure the rules on labeled texts: precision, recall, false alarms.
    Eval(eval::Args),
    /// Label texts with a classifier head: content-kind, customer-request or spam.
    Classify(classify::Args),
    /// Measure the classifier heads on labeled texts, beside keyword and majority baselines.
    EvalHeads(classify::EvalArgs),
    /// Import platform exports (Facebook, Instagram, X, LinkedIn, CSV, JSONL) into your store.
    Import(import::Args),
    /// List and search what is stored.
    History(history::HistoryArgs),
    /// Check your past posts, comments and messages: what to delete or edit, worst first.
    Scan(history::ScanArgs),
    /// The opt-in ledger: who agreed to hear from you, about what, on what evidence.
    #[command(subcommand)]
    Consent(people::ConsentCommand),
    /// Everyone on the relationship curve: stage, last exchange, give and ask.
    Contacts(relate::ContactsArgs),
    /// One person: timeline, stage with its reasons, consent, what to do next.
    Contact(relate::ContactArgs),
    /// Today's short list: who is waiting for you, whom to give to, pitches to hold, the time box.
    Today(today::Args),
    /// Whose turn it is in each conversation, and your response rate and times per network and month.
    Responses(responses::Args),
    /// A monthly report: HTML with charts, and a summary here.
    Report(report::Args),
    /// Your plan: goals, market, networks, daily session length, content-mix target.
    #[command(subcommand)]
    Plan(coach::PlanCommand),
    /// The daily time box: start, stop, status and streak.
    #[command(subcommand)]
    Session(coach::SessionCommand),
    /// Mark, merge and split contacts.
    #[command(subcommand, name = "contacts-edit")]
    ContactsEdit(people::ContactsCommand),
    /// The company side: the roster of distributors, feed ingest, scanning posts into cases, the audit log.
    #[command(subcommand)]
    Company(company::Command),
    /// The context model that reads a draft's claims in context: install it, see where it is.
    #[command(subcommand)]
    Model(model::Command),
}

/// A failure the user caused (bad input or usage): exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Err(e) = tactful_app::clock::init(cli.now.as_deref()) {
        eprintln!("tactful: {e}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Demo(a) => demo::run(&a),
        Command::Serve(a) => serve::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Rules(c) => rules::run(&c),
        Command::Eval(a) => eval::run(&a),
        Command::Classify(a) => classify::run(&a),
        Command::EvalHeads(a) => classify::run_eval(&a),
        Command::Import(a) => import::run(&a),
        Command::History(a) => history::history(&a),
        Command::Scan(a) => history::scan(&a),
        Command::Consent(c) => people::consent(&c),
        Command::Contacts(a) => relate::contacts(&a),
        Command::Today(a) => today::run(&a),
        Command::Responses(a) => responses::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Plan(c) => coach::plan(&c),
        Command::Session(c) => coach::session(&c),
        Command::Contact(a) => relate::contact(&a),
        Command::ContactsEdit(c) => people::contacts_cmd(&c),
        Command::Company(c) => company::run(&c),
        Command::Model(c) => model::run(&c),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`tactful history | head`): not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            if cli.verbose {
                eprintln!("tactful: {e:?}");
            } else {
                eprintln!("tactful: {e}");
            }
            // Every error that reaches here is about the input or the usage.
            ExitCode::from(2)
        }
    }
}
