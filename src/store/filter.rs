//! Filter-as-you-type: every word of the query must match the text, as a substring or, failing
//! that, as a subsequence of one of its words; better matches rank first.

/// A match score, higher is better; `None` when a word does not match at all.
pub fn score(query: &str, text: &str) -> Option<u32> {
    score_lowered(&query_words(query), &text.to_lowercase())
}

/// The query's words, lowercased once per keystroke rather than once per item.
pub fn query_words(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// [`score`] for words from [`query_words`] and a text already lowercased.
pub fn score_lowered(words: &[String], text: &str) -> Option<u32> {
    let mut total = 0u32;
    for word in words {
        total += score_word(word, text)?;
    }
    Some(total)
}

fn score_word(word: &str, text: &str) -> Option<u32> {
    if text == word {
        return Some(1000);
    }
    if text.starts_with(word) {
        return Some(800);
    }
    if let Some(at) = text.find(word) {
        let at_word_start = text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_alphanumeric());
        let bonus = if at_word_start { 100 } else { 0 };
        return Some(600 + bonus - (at.min(100) as u32));
    }
    // A subsequence must fall inside one token: across a whole line, short words like
    // `deny` would match almost anything.
    text.split(|c: char| c.is_whitespace())
        .filter_map(|token| subsequence_span(word, token))
        .min()
        .map(|span| 300u32.saturating_sub(span as u32).max(1))
}

/// The length of the shortest-from-the-first-match window holding `word` as a subsequence.
fn subsequence_span(word: &str, text: &str) -> Option<usize> {
    let mut wanted = word.chars().peekable();
    let mut start = None;
    for (i, c) in text.chars().enumerate() {
        match wanted.peek() {
            Some(&w) if w == c => {
                start.get_or_insert(i);
                wanted.next();
                if wanted.peek().is_none() {
                    return Some(i + 1 - start.unwrap_or(i));
                }
            }
            Some(_) => {}
            None => break,
        }
    }
    if wanted.peek().is_none() {
        Some(0)
    } else {
        None
    }
}

/// Indices of `items` matching `query`, best first; ties keep the original order. An empty
/// query keeps every item in order.
pub fn rank<T>(query: &str, items: &[T], text_of: impl Fn(&T) -> String) -> Vec<usize> {
    let words = query_words(query);
    if words.is_empty() {
        return (0..items.len()).collect();
    }
    let mut scored: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            score_lowered(&words, &text_of(item).to_lowercase()).map(|s| (s, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// [`rank`] over texts prepared once (lowercased), for lists filtered on every keystroke.
/// `keep` preselects items (e.g. one environment); an empty query keeps them in order.
pub fn rank_prepared(query: &str, lowered: &[String], keep: impl Fn(usize) -> bool) -> Vec<usize> {
    let words = query_words(query);
    if words.is_empty() {
        return (0..lowered.len()).filter(|i| keep(*i)).collect();
    }
    let mut scored: Vec<(u32, usize)> = lowered
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .filter_map(|(i, text)| score_lowered(&words, text).map(|s| (s, i)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_substring_beats_subsequence() {
        let items = ["read doc as Alice", "alice reads document", "a-l-i-c-e"];
        assert_eq!(rank("ALICE", &items, |s| s.to_string()), vec![1, 0, 2]);
    }

    #[test]
    fn every_word_must_match() {
        assert!(score("alice doc", "alice reads document").is_some());
        assert!(score("alice bob", "alice reads document").is_none());
        assert!(score("", "anything").is_some());
        assert!(score("xyz", "abc").is_none());
    }

    #[test]
    fn tighter_subsequence_ranks_higher() {
        let items = ["a_______r_d", "a_rd"];
        assert!(score("deny", "dev document default by").is_none());
        assert_eq!(rank("ard", &items, |s| s.to_string()), vec![1, 0]);
    }
}
