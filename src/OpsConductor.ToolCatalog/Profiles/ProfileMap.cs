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
}
