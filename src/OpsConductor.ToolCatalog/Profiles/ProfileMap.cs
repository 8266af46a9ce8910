using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace OpsConductor.ToolCatalog.Profiles;

/// <summary>
/// A read-only map that enumerates in insertion order, as the original's Python dicts did (that order decides
/// selection ties). A key given twice keeps its first position and its last value.
/// </summary>
internal sealed class ProfileMap<TValue> : IReadOnlyDictionary<string, TValue>
{
    private readonly KeyValuePair<string, TValue>[] _entries;
    private readonly Dictionary<string, int> _index;

    public ProfileMap(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        var list = new List<KeyValuePair<string, TValue>>();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (_index.TryGetValue(entry.Key, out var at))
            {
                list[at] = entry;
            }
            else
            {
                _index[entry.Key] = list.Count;
                list.Add(entry);
            }
        }

        _entries = [.. list];
    }

    public static ProfileMap<TValue> Empty { get; } = new([]);

    public int Count => _entries.Length;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public IEnumerable<TValue> Values => _entries.Select(e => e.Value);

    public TValue this[string key] => TryGetValue(key, out var value)
        ? value
        : throw new KeyNotFoundException($"There is no '{key}' here; the keys are: {string.Join(", ", Keys)}.");

    public bool ContainsKey(string key) => _index.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_index.TryGetValue(key, out var at))
        {
            value = _entries[at].Value;
            return true;
        }

        value = default;
        return false;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, TValue>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The keys, in order: <c>{count_aggregate, list_summary}</c>.</summary>
    public override string ToString() => "{" + string.Join(", ", Keys) + "}";
}

/// <summary>Content equality of ordered profile maps (same keys in the same order, equal values).</summary>
internal static class ProfileMapEquality
{
    public static bool Equal<TValue>(IReadOnlyDictionary<string, TValue> x, IReadOnlyDictionary<string, TValue> y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x.Count != y.Count)
        {
            return false;
        }

        using var left = x.GetEnumerator();
        using var right = y.GetEnumerator();
        while (left.MoveNext() && right.MoveNext())
        {
            if (!string.Equals(left.Current.Key, right.Current.Key, StringComparison.Ordinal)
                || !EqualityComparer<TValue>.Default.Equals(left.Current.Value, right.Current.Value))
            {
                return false;
            }
        }

        return true;
    }

    public static int Hash<TValue>(IReadOnlyDictionary<string, TValue> map)
    {
        var hash = new HashCode();
        foreach (var (key, value) in map)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value);
        }

        return hash.ToHashCode();
    }
}
