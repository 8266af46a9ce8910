using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace OpsConductor.ToolCatalog.Model;

/// <summary>
/// An immutable map from string keys to <see cref="DataValue"/>s that keeps the order its keys were given in
/// (so files are written back in their own order) but compares like a dictionary: two maps with the same
/// entries are equal whatever their order, because PostgreSQL's JSONB does not keep key order.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "A map in the YAML/JSON sense; 'Dictionary' would suggest mutability.")]
public sealed class DataMap : IReadOnlyDictionary<string, DataValue>, IEquatable<DataMap>
{
    private readonly KeyValuePair<string, DataValue>[] _entries;
    private readonly Dictionary<string, DataValue> _index;

    /// <summary>The empty map.</summary>
    public static DataMap Empty { get; } = new([]);

    private DataMap(KeyValuePair<string, DataValue>[] entries)
    {
        _entries = entries;
        _index = new Dictionary<string, DataValue>(entries.Length, StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            if (!_index.TryAdd(key, value))
            {
                throw new ArgumentException($"Duplicate key '{key}'.", nameof(entries));
            }
        }
    }

    /// <summary>Creates a map from entries in order; keys must be unique.</summary>
    public static DataMap Create(IEnumerable<KeyValuePair<string, DataValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var array = entries.ToArray();
        return array.Length == 0 ? Empty : new DataMap(array);
    }

    /// <summary>Creates a map from (key, value) pairs in order; keys must be unique.</summary>
    public static DataMap Create(params ReadOnlySpan<(string Key, DataValue Value)> entries)
    {
        if (entries.IsEmpty)
        {
            return Empty;
        }

        var array = new KeyValuePair<string, DataValue>[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            array[i] = new(entries[i].Key, entries[i].Value);
        }

        return new DataMap(array);
    }

    /// <summary>Returns a map with <paramref name="key"/> set to <paramref name="value"/> (appended if new, replaced in place otherwise).</summary>
    public DataMap With(string key, DataValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var list = _entries.ToList();
        var at = list.FindIndex(e => e.Key == key);
        if (at >= 0)
        {
            list[at] = new(key, value);
        }
        else
        {
            list.Add(new(key, value));
        }

        return new DataMap([.. list]);
    }

    /// <summary>Returns a map without <paramref name="key"/>.</summary>
    public DataMap Without(string key) => ContainsKey(key) ? Create(_entries.Where(e => e.Key != key)) : this;

    /// <inheritdoc />
    public DataValue this[string key] => _index[key];

    /// <inheritdoc />
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <inheritdoc />
    public IEnumerable<DataValue> Values => _entries.Select(e => e.Value);

    /// <inheritdoc />
    public int Count => _entries.Length;

    /// <summary>Whether the map has no entries.</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _index.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out DataValue value) => _index.TryGetValue(key, out value);

    /// <summary>The value of <paramref name="key"/> as text when it is a scalar, otherwise null.</summary>
    public string? GetText(string key) => TryGetValue(key, out var v) ? v.ScalarText() : null;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, DataValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, DataValue>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(DataMap? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach (var (key, value) in _entries)
        {
            if (!other._index.TryGetValue(key, out var theirs) || !value.Equals(theirs))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DataMap);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        // Order-independent: XOR of entry hashes.
        var hash = 0;
        foreach (var (key, value) in _entries)
        {
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), value);
        }

        return hash;
    }

    /// <summary>Content equality.</summary>
    public static bool operator ==(DataMap? left, DataMap? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Content inequality.</summary>
    public static bool operator !=(DataMap? left, DataMap? right) => !(left == right);

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", _entries.Select(e => $"{e.Key}: {e.Value}")) + "}";
}
