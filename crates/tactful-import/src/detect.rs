//! Which export is this? Decided from the names of the files inside, so a
//! renamed zip or folder is still recognised.

/// A format tactful can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Facebook,
    Instagram,
    X,
    LinkedIn,
    Csv,
    Jsonl,
}

tactful_core::words!(Format as "format" {
    Facebook => "facebook" | "fb",
    Instagram => "instagram" | "ig",
    X => "x" | "twitter",
    LinkedIn => "linkedin",
    Csv => "csv",
    Jsonl => "jsonl" | "ndjson",
});

/// What kinds of export `detect` knows, for error messages.
pub const KNOWN: &str = "a Facebook or Instagram \"Download Your Information\" export, an X/Twitter archive, \
a LinkedIn data export, or a .csv/.jsonl file with the documented columns";

/// Guess the format from the entry names (relative paths with `/`).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // names are lower-cased first
pub fn detect(entries: &[String]) -> Option<Format> {
    // Every name is lower-cased before a test: the extension tests below are not case-sensitive.
    let has = |pred: &dyn Fn(&str) -> bool| entries.iter().any(|e| pred(&e.to_ascii_lowercase()));
    let base = |e: &str| e.rsplit('/').next().unwrap_or(e).to_string();
    if has(&|e| {
        let b = base(e);
        (b == "tweets.js"
            || b == "tweet.js"
            || b.starts_with("tweets-part")
            || b == "direct-messages.js"
            || b == "follower.js"
            || b == "account.js")
            || e.contains("data/js/tweets/")
            || b == "tweet_index.js"
    }) {
        return Some(Format::X);
    }
    if has(&|e| {
        let b = base(e);
        b == "connections.csv"
            || b == "messages.csv"
            || b == "shares.csv"
            || b == "invitations.csv"
            || b == "comments.csv" && !e.contains('/')
    }) {
        return Some(Format::LinkedIn);
    }
    let instagram = has(&|e| {
        e.contains("followers_and_following/")
            || e.contains("content/posts_1.json")
            || base(e) == "instagram_media.json"
            || base(e) == "post_comments.json"
            || base(e) == "instagram_post.json"
            || e.contains("your_instagram_activity/")
    });
    let facebook = has(&|e| {
        let b = base(e);
        e.contains("messages/inbox/")
            || (b.starts_with("your_posts") && b.ends_with(".json"))
            || e.contains("your_facebook_activity/")
            || b == "facebook_comments.json"
            || e.contains("comments_and_reactions/")
            || e.contains("friends_and_followers/")
            || (b.starts_with("message_") && b.ends_with(".json"))
    });
    if instagram && !facebook {
        return Some(Format::Instagram);
    }
    if facebook {
        return Some(Format::Facebook);
    }
    if entries.len() == 1 {
        let e = entries[0].to_ascii_lowercase();
        if e.ends_with(".csv") {
            return Some(Format::Csv);
        }
        if e.ends_with(".jsonl") || e.ends_with(".ndjson") {
            return Some(Format::Jsonl);
        }
        // A lone Messenger thread file (`message_1.json` renamed): the Facebook
        // importer checks its shape and says clearly when it is not one.
        if e.ends_with(".json") {
            return Some(Format::Facebook);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(names: &[&str]) -> Option<Format> {
        detect(&names.iter().map(|s| (*s).to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn recognises_each_export_by_its_files() {
        assert_eq!(d(&["data/tweets.js", "data/account.js"]), Some(Format::X));
        assert_eq!(d(&["data/js/tweets/2013_02.js"]), Some(Format::X));
        assert_eq!(d(&["Connections.csv", "messages.csv"]), Some(Format::LinkedIn));
        assert_eq!(
            d(&["posts/your_posts_1.json", "messages/inbox/a_1/message_1.json"]),
            Some(Format::Facebook)
        );
        assert_eq!(
            d(&["your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json"]),
            Some(Format::Facebook)
        );
        assert_eq!(d(&["followers_and_following/followers_1.json"]), Some(Format::Instagram));
        assert_eq!(d(&["comments.jsonl"]), Some(Format::Jsonl));
        assert_eq!(d(&["notes.txt"]), None);
        assert_eq!(d(&["2A_7M.json"]), Some(Format::Facebook));
    }
}
