using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace OpsConductor.ToolCatalog.Experiments;

/// <summary>The two arms of an experiment.</summary>
public enum ExperimentArm
{
    /// <summary>The control: the tool version in use.</summary>
    A,

    /// <summary>The treatment: the version being tried.</summary>
    B,
}

/// <summary>
/// Deterministic arm assignment. A key (a user id, a request id) is hashed with the experiment's seed
/// (<see cref="XxHash64"/> of the key's UTF-8 bytes, seeded with the experiment's 64-bit seed) to a point of [0, 1);
/// the key is in arm B when the point is below the split. So the same key always gets the same arm; two experiments,
/// with different seeds, assign independently; and changing the split from s to s′ moves only the keys whose point lies
/// between the two (the fewest any assignment can move). Allocates nothing for keys of up to 256 UTF-8 bytes, takes no
/// lock.
/// </summary>
public static class ArmAssignment
{
    private const int StackKeyBytes = 256;

    /// <summary>The experiment's 64-bit seed from its text seed (its name, or a seed stored with it).</summary>
    /// <param name="seed">The text seed.</param>
    /// <returns>The seed for <see cref="Point"/> and <see cref="Assign"/>.</returns>
    public static ulong Seed(string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(seed));
    }

    /// <summary>The key's point in [0, 1) for the experiment with <paramref name="seed"/>: uniform over keys, independent across seeds.</summary>
    /// <param name="seed">The experiment's seed (<see cref="Seed"/>).</param>
    /// <param name="key">The assignment key.</param>
    /// <returns>A number in [0, 1).</returns>
    public static double Point(ulong seed, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ulong hash;
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (length <= StackKeyBytes)
        {
            // Sized to the key, not to the limit: stackalloc clears what it takes, and most keys are a few dozen bytes.
            Span<byte> bytes = stackalloc byte[length];
            var written = Encoding.UTF8.GetBytes(key, bytes);
            hash = XxHash64.HashToUInt64(bytes[..written], unchecked((long)seed));
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var written = Encoding.UTF8.GetBytes(key, rented);
                hash = XxHash64.HashToUInt64(rented.AsSpan(0, written), unchecked((long)seed));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        // The top 53 bits as a fraction: every double in [0, 1) with 53 bits of precision, uniformly.
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>The arm of <paramref name="key"/>: B when its point is below <paramref name="split"/>, else A.</summary>
    /// <param name="seed">The experiment's seed (<see cref="Seed"/>).</param>
    /// <param name="key">The assignment key.</param>
    /// <param name="split">The share of keys in arm B, from 0 to 1.</param>
    /// <returns>The arm.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="split"/> is not in [0, 1].</exception>
    public static ExperimentArm Assign(ulong seed, string key, double split)
    {
        if (!(split is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(split), split, "The split (the share of keys in arm B) must be from 0 to 1.");
        }

        return Point(seed, key) < split ? ExperimentArm.B : ExperimentArm.A;
    }
}
