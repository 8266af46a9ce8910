using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// An immutable string-keyed map split into 256 shards, so that a new version of the map with a few keys changed
/// copies only the touched shards (a few hundred entries each in a 100,000-key map, and never a large-object-heap
/// array) instead of the whole table. A lookup costs one cheap shard pick plus one ordinary
/// <see cref="Dictionary{TKey, TValue}"/> lookup.
/// </summary>
internal sealed class ShardedMap<TValue>
    where TValue : class
{
    private const int ShardBits = 8;
    private const int ShardCount = 1 << ShardBits;

    private readonly Dictionary<string, TValue>[] _shards;

    private ShardedMap(Dictionary<string, TValue>[] shards, int count)
    {
        _shards = shards;
        Count = count;
    }

    public static ShardedMap<TValue> Empty { get; } = Create([]);

    public int Count { get; }

    public static ShardedMap<TValue> Create(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        var shards = new Dictionary<string, TValue>[ShardCount];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = new Dictionary<string, TValue>(StringComparer.Ordinal);
        }

        var count = 0;
        foreach (var (key, value) in entries)
        {
            var shard = shards[ShardOf(key)];
            if (shard.TryAdd(key, value))
            {
                count++;
            }
            else
            {
                shard[key] = value;
            }
        }

        return new ShardedMap<TValue>(shards, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _shards[ShardOf(key)].TryGetValue(key, out value);

    public TValue? GetValueOrDefault(string key) => TryGetValue(key, out var value) ? value : null;

    public IEnumerable<string> Keys => _shards.SelectMany(s => s.Keys);

    public IEnumerable<TValue> Values => _shards.SelectMany(s => s.Values);

    /// <summary>A new map with each key set to its value, or removed when the value is null. This map is unchanged.</summary>
    public ShardedMap<TValue> With(IEnumerable<KeyValuePair<string, TValue?>> changes)
    {
        var shards = (Dictionary<string, TValue>[])_shards.Clone();
        var copied = new bool[ShardCount];
        var count = Count;
        foreach (var (key, value) in changes)
        {
            var index = ShardOf(key);
            if (!copied[index])
            {
                shards[index] = new Dictionary<string, TValue>(shards[index], StringComparer.Ordinal);
                copied[index] = true;
            }

            var shard = shards[index];
            if (value is null)
            {
                if (shard.Remove(key))
                {
                    count--;
                }
            }
            else if (shard.TryAdd(key, value))
            {
                count++;
            }
            else
            {
                shard[key] = value;
            }
        }

        return new ShardedMap<TValue>(shards, count);
    }

    /// <summary>Picks a shard from the length and a few characters of the key (cheap, spreads numbered names well).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ShardOf(string key)
    {
        var length = key.Length;
        var h = (uint)length;
        if (length > 0)
        {
            h = (h * 31) + key[0];
            h = (h * 31) + key[length >> 1];
            h = (h * 31) + key[length - 1];
            if (length > 2)
            {
                h = (h * 31) + key[length - 2];
                h = (h * 31) + key[length - 3];
            }
        }

        h ^= h >> 15;
        h *= 0x2C1B3C6D;
        h ^= h >> 12;
        return (int)(h & (ShardCount - 1));
    }
}
