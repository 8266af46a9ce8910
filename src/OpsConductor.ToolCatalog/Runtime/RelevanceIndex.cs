using System.Collections.Immutable;
using System.Globalization;

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
/// Okapi BM25 over the patterns of a snapshot's selectable tools: an inverted index (term → postings of document and
/// frequency), the documents' lengths, and the corpus statistics (document count, total length). The score of a pattern
/// for a query is <c>Σ idf(t) × tf × (k1 + 1) / (tf + k1 × (1 − b + b × |d| / avgdl))</c> over the query's distinct
/// terms, with the standard <c>k1 = 1.2</c>, <c>b = 0.75</c> and Lucene's non-negative
/// <c>idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))</c>, computed from the statistics when a query is parsed. Hand-written
/// rather than Lucene.NET: the index lives inside the immutable snapshot, the catalog is a few thousand short documents,
/// and Lucene.NET (still a 4.8 beta) would add a directory abstraction, analyzers and several megabytes of assemblies
/// for a sum over a few postings (decision 1801).
/// </summary>
/// <remarks>
/// Immutable and incremental: <see cref="With"/> derives the index of the next snapshot from this one when tools change,
/// removing the old patterns' postings and adding the new ones' (only the terms they contain are touched; the term map
/// and the document list are persistent structures, shared with this index), so a hot reload does not re-index the
/// catalog. Document ids are stable: a new pattern takes the next id, a removed one leaves a hole; the index is
/// rebuilt when holes outnumber the documents. Nothing depends on the ids' order: ties between equal scores are broken
/// by enumeration order (<see cref="CompiledPattern.CompareOrder"/>).
/// </remarks>
internal sealed class RelevanceIndex
{
    /// <summary>BM25's term-frequency saturation.</summary>
    public const double K1 = 1.2;

    /// <summary>BM25's length normalisation.</summary>
    public const double B = 0.75;

    private readonly ImmutableDictionary<string, (int Document, int Frequency)[]> _terms;
    private readonly ImmutableList<Entry?> _documents;
    private readonly ImmutableDictionary<CompiledPattern, int> _ids;
    private readonly long _totalLength;

    private RelevanceIndex(ImmutableDictionary<string, (int Document, int Frequency)[]> terms, ImmutableList<Entry?> documents,
        ImmutableDictionary<CompiledPattern, int> ids, int documentCount, long totalLength)
    {
        _terms = terms;
        _documents = documents;
        _ids = ids;
        DocumentCount = documentCount;
        _totalLength = totalLength;
        AverageLength = documentCount == 0 ? 0 : (double)totalLength / documentCount;
    }

    /// <summary>An index of no pattern.</summary>
    public static RelevanceIndex Empty { get; } = Build(Array.Empty<RelevanceDocument>());

    /// <summary>The number of documents (patterns).</summary>
    public int DocumentCount { get; }

    /// <summary>The number of distinct terms.</summary>
    public int TermCount => _terms.Count;

    /// <summary>The average document length in terms.</summary>
    public double AverageLength { get; }

    /// <summary>The number of document ids in use or left as holes (the length of <see cref="ScoreAll"/>'s answer).</summary>
    public int IdCount => _documents.Count;

    /// <summary>The pattern of document <paramref name="id"/>; null for a hole or a bare document.</summary>
    public CompiledPattern? PatternOf(int id) => _documents[id]?.Pattern;

    /// <summary>Builds the index of <paramref name="patterns"/> (each pattern's document is computed once and kept).</summary>
    public static RelevanceIndex Build(IEnumerable<CompiledPattern> patterns)
    {
        var documents = patterns.Distinct<CompiledPattern>(ReferenceEqualityComparer.Instance).ToArray();
        Array.Sort(documents, CompiledPattern.CompareOrder);
        var postings = new Dictionary<string, List<(int, int)>>(StringComparer.Ordinal);
        var entries = new Entry?[documents.Length];
        var ids = new KeyValuePair<CompiledPattern, int>[documents.Length];
        long total = 0;
        for (var d = 0; d < documents.Length; d++)
        {
            var document = documents[d].Relevance;
            Add(postings, d, document);
            entries[d] = new Entry(documents[d], document);
            ids[d] = KeyValuePair.Create(documents[d], d);
            total += document.Length;
        }

        return new RelevanceIndex(Terms(postings), ImmutableList.CreateRange(entries),
            ImmutableDictionary.CreateRange<CompiledPattern, int>(ReferenceEqualityComparer.Instance, ids), documents.Length, total);
    }

    /// <summary>Builds an index of bare documents (no pattern behind them; for tests of the scoring): document d is id d.</summary>
    public static RelevanceIndex Build(IReadOnlyList<RelevanceDocument> documents)
    {
        var postings = new Dictionary<string, List<(int, int)>>(StringComparer.Ordinal);
        var list = ImmutableList.CreateBuilder<Entry?>();
        long total = 0;
        for (var d = 0; d < documents.Count; d++)
        {
            Add(postings, d, documents[d]);
            list.Add(new Entry(null, documents[d]));
            total += documents[d].Length;
        }

        return new RelevanceIndex(Terms(postings), list.ToImmutable(), ImmutableDictionary.Create<CompiledPattern, int>(ReferenceEqualityComparer.Instance), documents.Count, total);
    }

    /// <summary>
    /// The index with the documents of <paramref name="removed"/> taken out and those of <paramref name="added"/> put in:
    /// only the postings of the terms they contain are rewritten, and the corpus statistics (document count, total length,
    /// hence every idf and the average length) follow. Equal, for every query, to <see cref="Build(IEnumerable{CompiledPattern})"/>
    /// of the resulting patterns. A removed pattern that is not indexed is ignored; an added one already indexed is replaced.
    /// </summary>
    public RelevanceIndex With(IEnumerable<CompiledPattern> removed, IEnumerable<CompiledPattern> added)
    {
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(added);
        var gone = new Dictionary<int, RelevanceDocument>();
        foreach (var pattern in removed)
        {
            if (_ids.TryGetValue(pattern, out var id))
            {
                gone[id] = _documents[id]!.Document;
            }
        }

        var incoming = new List<CompiledPattern>();
        var seen = new HashSet<CompiledPattern>(ReferenceEqualityComparer.Instance);
        foreach (var pattern in added)
        {
            if (seen.Add(pattern))
            {
                if (_ids.TryGetValue(pattern, out var id))
                {
                    gone[id] = _documents[id]!.Document;
                }

                incoming.Add(pattern);
            }
        }

        if (gone.Count == 0 && incoming.Count == 0)
        {
            return this;
        }

        // Rewrite the postings of each term a removed or added document contains, once per term.
        var rewritten = new Dictionary<string, List<(int Document, int Frequency)>>(StringComparer.Ordinal);
        foreach (var (id, document) in gone)
        {
            foreach (var term in document.Terms)
            {
                if (!rewritten.ContainsKey(term))
                {
                    rewritten[term] = [.. _terms[term]];
                }
            }
        }

        foreach (var list in rewritten.Values)
        {
            list.RemoveAll(p => gone.ContainsKey(p.Document));
        }

        var documents = _documents.ToBuilder();
        var ids = _ids.ToBuilder();
        var count = DocumentCount - gone.Count;
        var total = _totalLength;
        foreach (var (id, document) in gone)
        {
            ids.Remove(documents[id]!.Pattern!);
            documents[id] = null;
            total -= document.Length;
        }

        foreach (var pattern in incoming)
        {
            var id = documents.Count;
            var document = pattern.Relevance;
            documents.Add(new Entry(pattern, document));
            ids[pattern] = id;
            count++;
            total += document.Length;
            foreach (var term in document.Terms)
            {
                if (!rewritten.TryGetValue(term, out var list))
                {
                    rewritten[term] = list = _terms.TryGetValue(term, out var held) ? [.. held] : [];
                }

                list.Add((id, document.Frequency(term)));
            }
        }

        if (count > 0 && documents.Count - count > count)
        {
            // More holes than documents: start again with compact ids.
            var live = documents.Where(e => e is not null).Select(e => e!.Pattern!).ToArray();
            Array.Sort(live, CompiledPattern.CompareOrder);
            return Build(live);
        }

        var terms = _terms.ToBuilder();
        foreach (var (term, list) in rewritten)
        {
            if (list.Count == 0)
            {
                terms.Remove(term);
            }
            else
            {
                terms[term] = [.. list];
            }
        }

        return new RelevanceIndex(terms.ToImmutable(), documents.ToImmutable(), ids.ToImmutable(), count, total);
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

            if (_terms.TryGetValue(term, out var postings))
            {
                known.Add((term, Idf(DocumentCount, postings.Length)));
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

    /// <summary>
    /// Every document id's score for <paramref name="query"/> through the postings (ids with no query term, and holes,
    /// score 0); <see cref="PatternOf"/> says whose score each is.
    /// </summary>
    public double[] ScoreAll(RelevanceQuery query)
    {
        var scores = new double[_documents.Count];
        foreach (var (term, idf) in query.Terms)
        {
            foreach (var (d, tf) in _terms[term])
            {
                var length = _documents[d]!.Document.Length;
                scores[d] += idf * tf * (K1 + 1) / (tf + (K1 * (1 - B + (B * length / AverageLength))));
            }
        }

        return scores;
    }

    /// <summary>
    /// The index's content independent of document ids, for comparing an incrementally derived index with a full build:
    /// the document count, total length, and each term with its postings as (pattern, frequency), sorted.
    /// </summary>
    internal (int Documents, long TotalLength, IReadOnlyList<(string Term, string[] Postings)> Terms) Describe() =>
        (DocumentCount, _totalLength, [.. _terms
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => (t.Key, t.Value.Select(p => $"{_documents[p.Document]!.Pattern?.ToString() ?? p.Document.ToString(CultureInfo.InvariantCulture)}×{p.Frequency}").Order(StringComparer.Ordinal).ToArray()))]);

    private static ImmutableDictionary<string, (int Document, int Frequency)[]> Terms(Dictionary<string, List<(int, int)>> postings) =>
        ImmutableDictionary.CreateRange(StringComparer.Ordinal, postings.Select(p => KeyValuePair.Create(p.Key, p.Value.ToArray())));

    private static void Add(Dictionary<string, List<(int, int)>> postings, int id, RelevanceDocument document)
    {
        foreach (var term in document.Terms)
        {
            if (!postings.TryGetValue(term, out var list))
            {
                postings[term] = list = new List<(int, int)>(4);
            }

            list.Add((id, document.Frequency(term)));
        }
    }

    /// <summary>One document: the pattern behind it (null for a bare document) and its terms.</summary>
    private sealed record Entry(CompiledPattern? Pattern, RelevanceDocument Document);
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
