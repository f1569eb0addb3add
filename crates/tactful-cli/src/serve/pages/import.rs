//! Import: upload an export or name a path; `assets/app.js` follows the job
//! and draws its progress and summary.

use maud::{Markup, html};

pub fn body() -> Markup {
    html! {
        p.lead {
            "Bring in an export from Facebook, Instagram, X, LinkedIn, or a CSV/JSONL file. "
            "Importing the same export again adds nothing; a bad file changes nothing."
        }
        div.row {
            form #import-upload class="card" {
                h2 { "Upload an export" }
                label for="file" { "Export file (.zip, .csv or .jsonl)" }
                input #file name="file" type="file" accept=".zip,.csv,.jsonl,.json" required;
                label for="owner-u" { "Your handle on that network (only if the export does not say)" }
                input #owner-u name="owner" autocomplete="off";
                button type="submit" { "Upload and import" }
            }
            form #import-path class="card" {
                h2 { "Or import from a path" }
                label for="path" { "A file or folder on this computer" }
                input #path name="path" required placeholder="/home/you/Downloads/facebook-export.zip" autocomplete="off";
                label for="owner-p" { "Your handle on that network (only if the export does not say)" }
                input #owner-p name="owner" autocomplete="off";
                button type="submit" { "Import" }
            }
        }
        section aria-labelledby="progress-h" {
            h2 #progress-h { "Progress" }
            p #import-status role="status" { "Nothing imported in this visit yet." }
            progress #import-progress max="100" value="0" hidden { "0%" }
            div #import-summary {}
        }
        p.muted {
            "Known formats: " (tactful_import::detect::KNOWN) ". "
            "This page needs JavaScript to follow an import: turn it on in your browser."
        }
    }
}
