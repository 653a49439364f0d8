//! Video hosts whose pages GitBook embeds as a player: the address of the player to load when the
//! reader asks for it (nothing is requested from the host before).

/// The player address for a video page `url` of YouTube, Vimeo or Loom; `None` for anything else
/// (shown as a link card only).
pub fn player_url(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.trim_start_matches("www.").trim_start_matches("m.");
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = path.split('#').next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let id_ok = |id: &str| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    match host {
        "youtube.com" | "youtube-nocookie.com" => {
            let id = match segments.as_slice() {
                ["watch"] => query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("v="))
                    .unwrap_or(""),
                ["embed" | "shorts" | "live", id, ..] => id,
                _ => "",
            };
            id_ok(id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"))
        }
        "youtu.be" => {
            let id = segments.first().copied().unwrap_or("");
            id_ok(id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"))
        }
        "vimeo.com" | "player.vimeo.com" => {
            let id = segments
                .iter()
                .rev()
                .find(|s| s.chars().all(|c| c.is_ascii_digit()))
                .copied()
                .unwrap_or("");
            (!id.is_empty()).then(|| format!("https://player.vimeo.com/video/{id}?autoplay=1"))
        }
        "loom.com" => match segments.as_slice() {
            ["share" | "embed", id, ..] if id_ok(id) => {
                Some(format!("https://www.loom.com/embed/{id}?autoplay=1"))
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_pages_and_their_players() {
        let youtube = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1";
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?t=3",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        ] {
            assert_eq!(player_url(url).as_deref(), Some(youtube), "{url}");
        }
        assert_eq!(
            player_url("https://vimeo.com/channels/staff/123456").as_deref(),
            Some("https://player.vimeo.com/video/123456?autoplay=1")
        );
        assert_eq!(
            player_url("https://www.loom.com/share/abc123").as_deref(),
            Some("https://www.loom.com/embed/abc123?autoplay=1")
        );
        for url in [
            "https://github.com/o/r",
            "https://www.youtube.com/@channel",
            "https://www.youtube.com/watch?v=a\"b",
            "javascript:alert(1)",
        ] {
            assert_eq!(player_url(url), None, "{url}");
        }
    }
}
