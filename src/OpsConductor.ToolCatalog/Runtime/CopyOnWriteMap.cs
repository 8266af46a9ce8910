using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// An immutable string-keyed map held in one ordinary <see cref="Dictionary{TKey, TValue}"/>, so a lookup costs exactly
/// a dictionary lookup. A new version with some keys changed copies the whole table first; the copy re-buckets the
/// stored hash codes without hashing a key again, which is well under a millisecond for 100,000 keys. Used where
/// lookups dominate (tools by name); <see cref="ShardedMap{TValue}"/> is used where values are rebuilt per change.
/// </summary>
internal sealed class CopyOnWriteMap<TValue>
    where TValue : class
{
    private readonly Dictionary<string, TValue> _entries;

    private CopyOnWriteMap(Dictionary<string, TValue> entries) => _entries = entries;

    public static CopyOnWriteMap<TValue> Empty { get; } = Create([]);

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Keys;

    public IEnumerable<TValue> Values => _entries.Values;

    public static CopyOnWriteMap<TValue> Create(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        var map = entries.TryGetNonEnumeratedCount(out var count)
            ? new Dictionary<string, TValue>(count, StringComparer.Ordinal)
            : new Dictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return new CopyOnWriteMap<TValue>(map);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _entries.TryGetValue(key, out value);

    public TValue? GetValueOrDefault(string key) => _entries.GetValueOrDefault(key);

    /// <summary>A new map with each key set to its value, or removed when the value is null. This map is unchanged.</summary>
    public CopyOnWriteMap<TValue> With(IEnumerable<KeyValuePair<string, TValue?>> changes)
    {
        var entries = new Dictionary<string, TValue>(_entries, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                entries.Remove(key);
            }
            else
            {
                entries[key] = value;
            }
        }

        return new CopyOnWriteMap<TValue>(entries);
    }
}
