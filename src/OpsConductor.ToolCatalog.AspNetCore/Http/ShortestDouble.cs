namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>
/// Writes a double as the runtime does (the shortest decimal text that reads back as the same value), several times
/// faster for the numbers an API answer is mostly made of: integers (<c>2700</c>) and decimals of up to 15 significant
/// digits (<c>0.15</c>, <c>0.684953973619236</c>). A selection answer holds about 150 numbers; the runtime's general
/// formatting of them was the largest part of the answer's cost.
/// </summary>
/// <remarks>
/// For a finite <c>d</c> with 1e-4 ≤ |d| &lt; 1e15 (where the runtime writes no exponent), take the smallest <c>k</c>
/// for which <c>m = round(d × 10^k)</c> satisfies <c>m / 10^k == d</c>, with <c>d × 10^k</c> below 1e15 so that <c>m</c>
/// is an exact double and the rounding of the product cannot pick the wrong integer. Both <c>m</c> and <c>10^k</c> are
/// exact and IEEE division rounds correctly, so <c>m / 10^k == d</c> means the decimal <c>m × 10^-k</c> reads back as
/// <c>d</c>; fewer digits would have matched a smaller <c>k</c>; and of the texts with <c>k</c> digits <c>m</c> is the
/// nearest, as the runtime chooses. Whether <c>k</c> digits suffice only grows with <c>k</c> (append a zero), so the
/// smallest is found by halving. Values needing 16 or 17 significant digits, zero and its sign, NaN, infinities and what
/// the runtime writes with an exponent are left to the runtime. The tests compare both on a million values of every kind.
/// </remarks>
internal static class ShortestDouble
{
    /// <summary>The most bytes <see cref="TryFormat"/> writes: a sign, <c>0.</c>, 3 zeros and 15 digits.</summary>
    public const int MaxLength = 32;

    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19];

    /// <summary>Writes <paramref name="value"/> as UTF-8 into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes) when the fast way applies.</summary>
    /// <returns>Whether it was written; when not, format it the runtime's way.</returns>
    public static bool TryFormat(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-4 && magnitude < 1e15) || destination.Length < MaxLength)
        {
            return false;
        }

        // The most fractional digits that keep d × 10^k below 1e15 (15 significant digits): if even they do not give the
        // value back, fewer do not either, so leave it to the runtime.
        var most = 19;
        while (most > 0 && magnitude * PowersOfTen[most] >= 1e15)
        {
            most--;
        }

        if (!Exact(value, most))
        {
            return false;
        }

        var (low, high) = (0, most);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (Exact(value, middle))
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        written = Write((long)Math.Abs(Math.Round(value * PowersOfTen[low])), low, value < 0, destination);
        return true;
    }

    private static bool Exact(double value, int k) => Math.Round(value * PowersOfTen[k]) / PowersOfTen[k] == value;

    /// <summary>Writes <paramref name="m"/> × 10^-<paramref name="fractionDigits"/> (no trailing zero: with one, fewer digits would have done).</summary>
    private static int Write(long m, int fractionDigits, bool negative, Span<byte> destination)
    {
        Span<byte> digits = stackalloc byte[20];
        var count = 0;
        do
        {
            digits[^++count] = (byte)('0' + (int)(m % 10));
            m /= 10;
        }
        while (m != 0);

        var position = 0;
        if (negative)
        {
            destination[position++] = (byte)'-';
        }

        var text = digits[^count..];
        if (fractionDigits == 0)
        {
            text.CopyTo(destination[position..]);
            return position + count;
        }

        if (count <= fractionDigits)
        {
            destination[position++] = (byte)'0';
            destination[position++] = (byte)'.';
            destination.Slice(position, fractionDigits - count).Fill((byte)'0');
            position += fractionDigits - count;
            text.CopyTo(destination[position..]);
            return position + count;
        }

        var whole = count - fractionDigits;
        text[..whole].CopyTo(destination[position..]);
        position += whole;
        destination[position++] = (byte)'.';
        text[whole..].CopyTo(destination[position..]);
        return position + fractionDigits;
    }
}
