using System.Collections.Frozen;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The tokeniser of lexical relevance, the same for a pattern's text and a request's query: lower-case (invariant);
/// split on every character that is not a letter or digit (so <c>service_restart</c>, <c>asset-inventory</c> and
/// <c>nmap.common_ports</c> become words); drop one-character tokens and English stop words; then a light stemmer
/// (Harman's "S" stemmer for plurals, sibilant plurals such as <c>processes</c> and <c>patches</c> losing their "es", and <c>-ing</c>/<c>-ed</c> removed when at least four letters remain, with a
/// doubled final consonant undone: <c>restarting</c>, <c>restarted</c>, <c>restarts</c> → <c>restart</c>;
/// <c>scanning</c> → <c>scan</c>). No dictionary, no network.
/// </summary>
internal static class RelevanceText
{
    /// <summary>Words that say nothing about which tool to use (articles, pronouns, auxiliaries, request filler).</summary>
    public static FrozenSet<string> StopWords { get; } = FrozenSet.ToFrozenSet(
    [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "from", "by", "with", "without", "into", "onto", "over",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "have", "has", "had",
        "it", "its", "this", "that", "these", "those", "there", "their", "them", "they", "we", "our", "us", "you", "your", "me", "my", "i",
        "what", "which", "who", "whom", "whose", "where", "when", "why", "how", "any", "some", "please", "can", "could", "would", "should",
        "will", "shall", "may", "might", "must", "just", "also", "as", "if", "then", "than", "so", "not", "no", "yes", "via", "per", "up",
        "show", "tell", "give", "get", "let", "want", "need", "like", "use", "using", "one", "all", "every", "each", "many", "much",
        "quickly", "quick", "fast", "now", "asap", "urgently", "thoroughly", "accurately", "cheaply", "simply",
    ], StringComparer.Ordinal);

    /// <summary>The terms of <paramref name="text"/>, in order, repeats kept (a document's term frequencies count them).</summary>
    public static List<string> Tokenize(string? text)
    {
        var terms = new List<string>();
        Tokenize(text, terms);
        return terms;
    }

    /// <summary>Adds the terms of <paramref name="text"/> to <paramref name="terms"/>.</summary>
    public static void Tokenize(string? text, List<string> terms)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        Span<char> buffer = stackalloc char[64];
        var length = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                if (length < buffer.Length)
                {
                    buffer[length++] = char.ToLowerInvariant(c);
                }

                continue;
            }

            if (length > 1)
            {
                var word = new string(buffer[..length]);
                if (!StopWords.Contains(word))
                {
                    terms.Add(Stem(word));
                }
            }

            length = 0;
        }
    }

    /// <summary>The light stem of a lower-case word (see the type's summary).</summary>
    public static string Stem(string word)
    {
        // Harman's S stemmer, with the sibilant plurals (processes, boxes, patches, pushes) losing the whole "es".
        if (word.Length > 4 && (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
            || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal)))
        {
            return word[..^2];
        }

        if (word.Length > 3 && word.EndsWith("ies", StringComparison.Ordinal) && !word.EndsWith("eies", StringComparison.Ordinal) && !word.EndsWith("aies", StringComparison.Ordinal))
        {
            return string.Concat(word.AsSpan(0, word.Length - 3), "y");
        }

        if (word.Length > 3 && word.EndsWith("es", StringComparison.Ordinal) && !word.EndsWith("aes", StringComparison.Ordinal) && !word.EndsWith("ees", StringComparison.Ordinal) && !word.EndsWith("oes", StringComparison.Ordinal))
        {
            return word[..^1];
        }

        if (word.Length > 3 && word[^1] == 's' && word[^2] != 'u' && word[^2] != 's')
        {
            return word[..^1];
        }

        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed"])
        {
            if (word.Length - suffix.Length >= 4 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = word[..^suffix.Length];
                return stem.Length >= 4 && stem[^1] == stem[^2] && !"aeiouls".Contains(stem[^1], StringComparison.Ordinal) ? stem[..^1] : stem;
            }
        }

        return word;
    }
}
