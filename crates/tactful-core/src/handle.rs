//! Handles and post addresses, normalised: the networks a roster or a feed
//! may name, a handle as it is written anywhere (`@Ann_B`, a profile URL with
//! or without a scheme) turned into the one lower-case form that attribution
//! and the seller's `--to` compare, and the key a post without an id is known
//! by (its URL, tidied). Pure: no I/O.

use crate::history::Network;

/// The networks a roster or a feed may name. TikTok is here and not in
/// [`Network`] (the seller's exports do not include it).
pub const NETWORKS: [&str; 5] = ["facebook", "instagram", "x", "linkedin", "tiktok"];

/// The network a name means (`fb`, `ig`, `twitter` and the like accepted).
pub fn network(name: &str) -> Option<&'static str> {
    let n = name.trim().to_ascii_lowercase();
    if n == "tiktok" || n == "tik tok" {
        return Some("tiktok");
    }
    match n.parse::<Network>() {
        Ok(Network::Other) | Err(_) => None,
        Ok(net) => Some(net.as_str()),
    }
}

/// What a network name must be, for messages.
pub const EXPECTED_NETWORK: &str = "one of facebook, instagram, x, linkedin, tiktok";

/// The network whose profiles live at `host` (lower case, `www.` and `m.` dropped).
fn host_network(host: &str) -> Option<&'static str> {
    let host = host.trim_start_matches("www.").trim_start_matches("m.").trim_start_matches("mobile.");
    match host {
        "facebook.com" | "fb.com" | "web.facebook.com" => Some("facebook"),
        "instagram.com" | "instagr.am" => Some("instagram"),
        "x.com" | "twitter.com" => Some("x"),
        "linkedin.com" => Some("linkedin"),
        "tiktok.com" => Some("tiktok"),
        _ => None,
    }
}

/// A URL split into lower-case host, path segments and query pairs; `None`
/// when `s` is not a URL (no scheme, and does not start with a known host).
struct Url<'a> {
    host: String,
    path: Vec<&'a str>,
    query: Vec<(&'a str, &'a str)>,
}

fn url(s: &str) -> Option<Url<'_>> {
    let rest = match s.find("://") {
        Some(i) => &s[i + 3..],
        None => {
            // `instagram.com/ann_b`: a URL without its scheme, when the host is one we know.
            let host = s.split(['/', '?', '#']).next().unwrap_or("");
            host_network(&host.to_ascii_lowercase())?;
            s
        }
    };
    let rest = rest.split('#').next().unwrap_or("");
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = before_query.split_once('/').unwrap_or((before_query, ""));
    // A user or port in the authority is not part of the host.
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    Some(Url {
        host,
        path: path.split('/').filter(|p| !p.is_empty()).collect(),
        query: query
            .split('&')
            .filter(|q| !q.is_empty())
            .map(|q| q.split_once('=').unwrap_or((q, "")))
            .collect(),
    })
}

/// Path words that name a page of the network, not a person.
const NOT_PROFILES: [&str; 14] = [
    "p", "reel", "reels", "stories", "explore", "share", "watch", "groups", "hashtag", "i", "intent", "home",
    "search", "events",
];

/// The handle in `raw` (a handle, `@handle`, or a profile URL) on `network`,
/// in lower case. The error says what was expected.
pub fn normalise(network: &str, raw: &str) -> Result<String, String> {
    let expected = || format!("a handle or {network} profile URL");
    let s = raw.trim();
    let handle = match url(s) {
        Some(u) => {
            let Some(on) = host_network(&u.host) else {
                return Err(format!("{} (not a link to {})", expected(), u.host));
            };
            if on != network {
                return Err(format!("{} (this is a {on} link)", expected()));
            }
            profile(network, &u).ok_or_else(expected)?
        }
        None => s.to_string(),
    };
    let handle = handle.trim().trim_start_matches('@').to_lowercase();
    let ok = !handle.is_empty()
        && handle.len() <= 100
        && handle.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok { Ok(handle) } else { Err(expected()) }
}

/// The person a profile URL names.
fn profile(network: &str, u: &Url<'_>) -> Option<String> {
    let first = *u.path.first()?;
    match network {
        "linkedin" => match first {
            "in" | "company" | "pub" | "school" => u.path.get(1).map(|h| (*h).to_string()),
            _ => None,
        },
        "facebook" if first == "profile.php" => {
            u.query.iter().find(|(k, _)| *k == "id").map(|(_, v)| (*v).to_string())
        }
        // facebook.com/people/Ann-B/100012345: the number is the account.
        "facebook" if first == "people" => u.path.get(2).map(|h| (*h).to_string()),
        _ if NOT_PROFILES.contains(&first.to_ascii_lowercase().as_str()) => None,
        _ => Some(first.to_string()),
    }
}

/// The network and handle of a profile URL whose host says the network
/// (for a roster's `handles` column, where a URL may stand alone).
pub fn from_profile_url(raw: &str) -> Option<(&'static str, String)> {
    let u = url(raw.trim())?;
    let network = host_network(&u.host)?;
    normalise(network, raw).ok().map(|h| (network, h))
}

/// Query parameters that only track who shared a link: dropped from post keys.
fn tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || matches!(k.as_str(), "fbclid" | "igshid" | "igsh" | "si" | "s" | "t" | "ref" | "mibextid")
}

/// A post URL in one form: https, lower-case host without `www.`/`m.`, no
/// fragment, no tracking parameters, no trailing slash. `None` when `raw`
/// is not an http(s) URL.
pub fn normalise_url(raw: &str) -> Option<String> {
    let s = raw.trim();
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    let u = url(s)?;
    if u.host.is_empty() || !u.host.contains('.') {
        return None;
    }
    let host = u.host.trim_start_matches("www.").trim_start_matches("m.").trim_start_matches("mobile.");
    let mut out = format!("https://{host}");
    for p in &u.path {
        out.push('/');
        out.push_str(p);
    }
    let kept: Vec<String> =
        u.query.iter().filter(|(k, _)| !tracking(k)).map(|(k, v)| format!("{k}={v}")).collect();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    Some(out)
}

/// The key that makes ingest idempotent: the network's post id when the feed
/// gives one, else `url:` and the normalised URL.
pub fn post_key(post_id: Option<&str>, url: Option<&str>) -> Option<String> {
    match post_id.map(str::trim).filter(|p| !p.is_empty()) {
        Some(id) => Some(id.to_string()),
        None => url.and_then(normalise_url).map(|u| format!("url:{u}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_writing_a_handle_is_one_handle() {
        for raw in [
            "@Ann_B",
            "ann_b",
            " ANN_B ",
            "https://instagram.com/ann_b/",
            "https://www.instagram.com/Ann_B?igshid=abc",
            "instagram.com/ann_b?x=1",
            "http://m.instagram.com/ann_b/#top",
        ] {
            assert_eq!(normalise("instagram", raw), Ok("ann_b".to_string()), "{raw}");
        }
    }

    #[test]
    fn profile_urls_per_network() {
        assert_eq!(normalise("facebook", "https://www.facebook.com/ann.b").unwrap(), "ann.b");
        assert_eq!(normalise("facebook", "facebook.com/profile.php?id=1000123").unwrap(), "1000123");
        assert_eq!(
            normalise("facebook", "https://facebook.com/people/Ann-B/100012345/").unwrap(),
            "100012345"
        );
        assert_eq!(normalise("x", "https://twitter.com/Ann_B/status/1").unwrap(), "ann_b");
        assert_eq!(normalise("x", "x.com/ann_b").unwrap(), "ann_b");
        assert_eq!(normalise("linkedin", "https://www.linkedin.com/in/ann-b-123/").unwrap(), "ann-b-123");
        assert_eq!(normalise("tiktok", "https://www.tiktok.com/@ann.b").unwrap(), "ann.b");
        assert_eq!(normalise("facebook", "ann.b").unwrap(), "ann.b", "a dotted name is a handle, not a host");
    }

    #[test]
    fn what_is_not_a_handle_says_what_was_expected() {
        assert_eq!(normalise("instagram", "").unwrap_err(), "a handle or instagram profile URL");
        assert!(normalise("instagram", "ann b").is_err());
        assert!(normalise("instagram", "https://facebook.com/ann").unwrap_err().contains("facebook link"));
        assert!(normalise("instagram", "https://instagram.com/p/Cx1/").is_err(), "a post, not a profile");
        assert!(normalise("linkedin", "https://linkedin.com/feed/").is_err());
        assert!(normalise("x", "https://example.com/ann").unwrap_err().contains("example.com"));
    }

    #[test]
    fn networks_by_any_usual_name() {
        assert_eq!(network("Twitter"), Some("x"));
        assert_eq!(network("IG"), Some("instagram"));
        assert_eq!(network("tiktok"), Some("tiktok"));
        assert_eq!(network("other"), None);
        assert_eq!(network("myspace"), None);
        assert_eq!(from_profile_url("https://instagram.com/Ann_B/"), Some(("instagram", "ann_b".into())));
        assert_eq!(from_profile_url("ann_b"), None);
    }

    #[test]
    fn post_urls_lose_tracking_and_keep_what_names_the_post() {
        assert_eq!(
            normalise_url("HTTPS://WWW.Facebook.com/permalink.php?story_fbid=12&id=34&fbclid=xyz#c").unwrap(),
            "https://facebook.com/permalink.php?story_fbid=12&id=34"
        );
        assert_eq!(
            normalise_url("http://instagram.com/p/Cx1/?utm_source=ig_web").unwrap(),
            "https://instagram.com/p/Cx1"
        );
        assert_eq!(normalise_url("instagram.com/p/Cx1"), None, "a post key needs a real URL");
        assert_eq!(post_key(Some(" 123 "), Some("https://x.com/a/status/123")), Some("123".into()));
        assert_eq!(
            post_key(Some(""), Some("https://x.com/a/status/123/")),
            Some("url:https://x.com/a/status/123".into())
        );
        assert_eq!(post_key(None, None), None);
    }
}
