using System.Collections.Frozen;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// One pattern's text as lexical relevance sees it: its distinct terms (sorted, ordinal) with their frequencies, and its
/// length in terms. The text is the pattern's typical use cases, its name, description, capability name and description,
/// and the tool's name and description (<see cref="RelevanceText"/> tokenises it); the three names count twice.
/// Computed once per compiled pattern.
/// </summary>
internal sealed class RelevanceDocument
{
    private readonly string[] _terms;
    private readonly int[] _frequencies;

    private RelevanceDocument(string[] terms, int[] frequencies, int length)
    {
        _terms = terms;
        _frequencies = frequencies;
        Length = length;
    }

    /// <summary>The number of terms (repeats counted).</summary>
    public int Length { get; }

    /// <summary>The distinct terms, sorted ordinally.</summary>
    public ReadOnlySpan<string> Terms => _terms;

    /// <summary>How often <paramref name="term"/> occurs; 0 when it does not.</summary>
    public int Frequency(string term)
    {
        var i = Array.BinarySearch(_terms, term, StringComparer.Ordinal);
        return i >= 0 ? _frequencies[i] : 0;
    }

    /// <summary>The document of <paramref name="pattern"/>.</summary>
    public static RelevanceDocument For(CompiledPattern pattern)
    {
        var terms = new List<string>(64);
        foreach (var useCase in pattern.Definition.TypicalUseCases)
        {
            RelevanceText.Tokenize(useCase, terms);
        }

        // Names say most about what a pattern does: they count twice (a simple field boost).
        for (var i = 0; i < 2; i++)
        {
            RelevanceText.Tokenize(pattern.PatternName, terms);
            RelevanceText.Tokenize(pattern.CapabilityName, terms);
            RelevanceText.Tokenize(pattern.ToolName, terms);
        }

        RelevanceText.Tokenize(pattern.Definition.Description, terms);
        RelevanceText.Tokenize(pattern.Capability.Description, terms);
        RelevanceText.Tokenize(pattern.Tool.Definition.Description, terms);
        return Of(terms);
    }

    /// <summary>The document of a list of terms (for tests and for <see cref="For"/>).</summary>
    public static RelevanceDocument Of(IReadOnlyList<string> terms)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            counts[term] = counts.GetValueOrDefault(term) + 1;
        }

        return new RelevanceDocument([.. counts.Keys], [.. counts.Values], terms.Count);
    }
}

/// <summary>
/// Okapi BM25 over the patterns of a snapshot's selectable tools: an inverted index (term → postings of pattern and
/// frequency) with each term's inverse document frequency, built when the snapshot is built. The score of a pattern
/// for a query is <c>Σ idf(t) × tf × (k1 + 1) / (tf + k1 × (1 − b + b × |d| / avgdl))</c> over the query's distinct
/// terms, with the standard <c>k1 = 1.2</c>, <c>b = 0.75</c> and Lucene's non-negative
/// <c>idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))</c>. Hand-written (about a hundred lines) rather than Lucene.NET: the
/// index lives inside the immutable snapshot and is rebuilt with it, the catalog is a few thousand short documents,
/// and Lucene.NET (still a 4.8 beta) would add a directory abstraction, analyzers and several megabytes of assemblies
/// for a sum over a few postings (decision 1801).
/// </summary>
internal sealed class RelevanceIndex
{
    /// <summary>BM25's term-frequency saturation.</summary>
    public const double K1 = 1.2;

    /// <summary>BM25's length normalisation.</summary>
    public const double B = 0.75;

    private readonly FrozenDictionary<string, (double Idf, (int Document, int Frequency)[] Postings)> _terms;
    private readonly CompiledPattern[] _documents;
    private readonly int[] _lengths;

    private RelevanceIndex(CompiledPattern[] documents, int[] lengths, FrozenDictionary<string, (double Idf, (int Document, int Frequency)[] Postings)> terms, double averageLength)
    {
        _documents = documents;
        _lengths = lengths;
        _terms = terms;
        AverageLength = averageLength;
    }

    /// <summary>An index of no pattern.</summary>
    public static RelevanceIndex Empty { get; } = Build(Array.Empty<RelevanceDocument>());

    /// <summary>The number of documents (patterns).</summary>
    public int DocumentCount => _lengths.Length;

    /// <summary>The number of distinct terms.</summary>
    public int TermCount => _terms.Count;

    /// <summary>The average document length in terms.</summary>
    public double AverageLength { get; }

    /// <summary>The patterns indexed, in enumeration order (document d is pattern d).</summary>
    public ReadOnlySpan<CompiledPattern> Documents => _documents;

    /// <summary>Builds the index of <paramref name="patterns"/> (each pattern's document is computed once and kept).</summary>
    public static RelevanceIndex Build(IEnumerable<CompiledPattern> patterns)
    {
        var documents = patterns.ToArray();
        Array.Sort(documents, CompiledPattern.CompareOrder);
        return Build(documents, [.. documents.Select(d => d.Relevance)]);
    }

    /// <summary>Builds an index of bare documents (no pattern behind them; for tests of the scoring).</summary>
    public static RelevanceIndex Build(IReadOnlyList<RelevanceDocument> documents) => Build([], documents);

    private static RelevanceIndex Build(CompiledPattern[] patterns, IReadOnlyList<RelevanceDocument> documents)
    {
        var postings = new Dictionary<string, List<(int, int)>>(StringComparer.Ordinal);
        var lengths = new int[documents.Count];
        long total = 0;
        for (var d = 0; d < documents.Count; d++)
        {
            var document = documents[d];
            lengths[d] = document.Length;
            total += document.Length;
            foreach (var term in document.Terms)
            {
                if (!postings.TryGetValue(term, out var list))
                {
                    postings[term] = list = new List<(int, int)>(4);
                }

                list.Add((d, document.Frequency(term)));
            }
        }

        var n = documents.Count;
        var terms = postings.ToFrozenDictionary(
            p => p.Key,
            p => (Idf(n, p.Value.Count), p.Value.ToArray()),
            StringComparer.Ordinal);
        return new RelevanceIndex(patterns, lengths, terms, n == 0 ? 0 : (double)total / n);
    }

    /// <summary>Lucene's BM25 idf: <c>ln(1 + (N − df + 0.5) / (df + 0.5))</c>, never negative.</summary>
    public static double Idf(int documentCount, int documentFrequency) =>
        Math.Log(1 + ((documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    /// <summary>
    /// The query's distinct terms that the catalog knows, with their idf; terms no pattern contains are kept in
    /// <see cref="RelevanceQuery.Unknown"/> (they can match nothing).
    /// </summary>
    public RelevanceQuery Parse(string? query)
    {
        var known = new List<(string Term, double Idf)>();
        var unknown = new List<string>();
        foreach (var term in RelevanceText.Tokenize(query))
        {
            if (known.Exists(k => k.Term == term) || unknown.Contains(term))
            {
                continue;
            }

            if (_terms.TryGetValue(term, out var entry))
            {
                known.Add((term, entry.Idf));
            }
            else
            {
                unknown.Add(term);
            }
        }

        return new RelevanceQuery(this, [.. known], [.. unknown]);
    }

    /// <summary>The BM25 score of <paramref name="document"/> for <paramref name="query"/>, and the query terms it contains.</summary>
    public double Score(RelevanceQuery query, RelevanceDocument document, List<string>? matched)
    {
        var score = 0.0;
        var norm = K1 * (1 - B + (B * document.Length / Math.Max(AverageLength, 1e-9)));
        foreach (var (term, idf) in query.Terms)
        {
            var tf = document.Frequency(term);
            if (tf == 0)
            {
                continue;
            }

            score += idf * tf * (K1 + 1) / (tf + norm);
            matched?.Add(term);
        }

        return score;
    }

    /// <summary>Every indexed pattern's score for <paramref name="query"/> through the postings (patterns with no query term score 0).</summary>
    public double[] ScoreAll(RelevanceQuery query)
    {
        var scores = new double[_lengths.Length];
        foreach (var (term, idf) in query.Terms)
        {
            foreach (var (d, tf) in _terms[term].Postings)
            {
                var length = _lengths[d];
                scores[d] += idf * tf * (K1 + 1) / (tf + (K1 * (1 - B + (B * length / AverageLength))));
            }
        }

        return scores;
    }
}

/// <summary>A query parsed against one <see cref="RelevanceIndex"/>.</summary>
/// <param name="Index">The index it was parsed against.</param>
/// <param name="Terms">The distinct query terms the catalog contains, with their idf, in query order.</param>
/// <param name="Unknown">The distinct query terms no pattern contains.</param>
internal sealed record RelevanceQuery(RelevanceIndex Index, (string Term, double Idf)[] Terms, string[] Unknown)
{
    /// <summary>Whether no query term is in the catalog.</summary>
    public bool IsEmpty => Terms.Length == 0;
}
