using System.Buffers;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.AspNetCore.Http;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

/// <summary>
/// The API's fast number writer against the runtime's own (what <see cref="Utf8JsonWriter"/> writes for a double): the
/// same text whenever it writes one, and a refusal (so the runtime writes it) for everything it does not handle.
/// </summary>
[TestFixture]
public sealed class ShortestDoubleTests
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64);
    private readonly List<string> _mismatches = [];

    [SetUp]
    public void ForgetMismatches() => _mismatches.Clear();

    [TestCase(0.15, "0.15")]
    [TestCase(0.9, "0.9")]
    [TestCase(2700d, "2700")]
    [TestCase(1d, "1")]
    [TestCase(-42.5, "-42.5")]
    [TestCase(0.684953973619236, "0.684953973619236")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(0.000123456789012345, "0.000123456789012345")]
    [TestCase(123456789012345d, "123456789012345")]
    [TestCase(0.1 + 0.2, null)] // 0.30000000000000004: 17 significant digits, left to the runtime
    [TestCase(0.4373849340480902, null)]
    [TestCase(0d, null)]
    [TestCase(-0d, null)]
    [TestCase(0.00009, null)] // the runtime writes 9E-05
    [TestCase(0.000099999999999999991, null)]
    [TestCase(1e15, null)] // the runtime writes 1E+15
    [TestCase(double.NaN, null)]
    [TestCase(double.PositiveInfinity, null)]
    [TestCase(double.Epsilon, null)]
    public void Writes_the_runtimes_text_or_leaves_the_value_to_the_runtime(double value, string? expected)
    {
        var written = TryFormat(value);

        Assert.That(written, Is.EqualTo(expected));
        if (written is not null)
        {
            Assert.That(written, Is.EqualTo(RuntimeText(value)));
        }
    }

    [Test]
    public void Short_decimals_of_every_length_and_magnitude_come_out_as_the_runtime_writes_them()
    {
        var random = new Random(20261202);
        var fast = 0;
        for (var i = 0; i < 300_000; i++)
        {
            // A decimal with 1–16 significant digits and a decimal point anywhere from 10^-7 to 10^16, of either sign:
            // what prices, weights, estimates and scores look like, and the boundaries of the fast way.
            var digits = random.Next(1, 17);
            var mantissa = random.NextInt64(1, (long)Math.Pow(10, digits));
            var value = mantissa / Math.Pow(10, random.Next(0, 23)) * (random.Next(2) == 0 ? 1 : -1);
            if (Check(value))
            {
                fast++;
            }
        }

        Assert.That(_mismatches, Is.Empty);
        Assert.That(fast, Is.GreaterThan(120_000), "those of 1e-4 to 1e15 with up to 15 significant digits (about half of these) take the fast way");
    }

    [Test]
    public void Arbitrary_doubles_come_out_as_the_runtime_writes_them_or_are_left_to_it()
    {
        var random = new Random(7);
        Span<byte> bits = stackalloc byte[8];
        for (var i = 0; i < 300_000; i++)
        {
            // Uniform in [0, 1) and in [0, 10^6), and any bit pattern at all (every exponent, NaNs, subnormals).
            Check(random.NextDouble());
            Check(random.NextDouble() * 1e6);
            random.NextBytes(bits);
            Check(BitConverter.ToDouble(bits));
        }

        Assert.That(_mismatches, Is.Empty);
    }

    [Test]
    public void Integers_and_their_neighbours_come_out_as_the_runtime_writes_them()
    {
        for (long n = -100_000; n <= 100_000; n++)
        {
            if (n != 0 && !Check(n))
            {
                _mismatches.Add($"{n}: an integer was left to the runtime");
            }

            Check(Math.BitIncrement(n));
            Check(Math.BitDecrement(n));
        }

        foreach (var power in Enumerable.Range(-8, 24).Select(static e => Math.Pow(10, e)))
        {
            Check(power);
            Check(Math.BitIncrement(power));
            Check(Math.BitDecrement(power));
            Check(-power);
        }

        Assert.That(_mismatches, Is.Empty);
    }

    /// <summary>Records a mismatch when the fast text is not the runtime's; returns whether there was a fast text.</summary>
    private bool Check(double value)
    {
        var written = TryFormat(value);
        if (written is null)
        {
            return false;
        }

        var expected = RuntimeText(value);
        if (written != expected && _mismatches.Count < 20)
        {
            _mismatches.Add($"{value:R} (bits {BitConverter.DoubleToInt64Bits(value):X16}): wrote '{written}', the runtime writes '{expected}'.");
        }

        return true;
    }

    private static string? TryFormat(double value)
    {
        Span<byte> text = stackalloc byte[ShortestDouble.MaxLength];
        return ShortestDouble.TryFormat(value, text, out var written) ? Encoding.UTF8.GetString(text[..written]) : null;
    }

    private string RuntimeText(double value)
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            writer.WriteNumberValue(value);
        }

        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }
}
