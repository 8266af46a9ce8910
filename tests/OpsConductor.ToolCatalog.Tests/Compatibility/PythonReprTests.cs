using OpsConductor.ToolCatalog.Compatibility;

namespace OpsConductor.ToolCatalog.Tests.Compatibility;

/// <summary>The library's one Python-way formatter against what CPython 3.11's <c>repr</c> prints for the same values
/// (each expectation was produced by <c>python3 -c "print(repr(x))"</c>).</summary>
public sealed class PythonReprTests
{
    // Values are given as the hexadecimal of their bits where the decimal literal would itself be rounded by C#.
    [TestCase(5.0, "5.0")]
    [TestCase(2150.0, "2150.0")]
    [TestCase(100.0, "100.0")]
    [TestCase(0.0, "0.0")]
    [TestCase(-2.5, "-2.5")]
    [TestCase(3120.5, "3120.5")]
    [TestCase(1234.5678, "1234.5678")]
    [TestCase(0.1, "0.1")]
    [TestCase(1.0 / 3, "0.3333333333333333")]
    [TestCase(1e15, "1000000000000000.0")]
    [TestCase(9999999999999998.0, "9999999999999998.0")]
    [TestCase(9007199254740992.0, "9007199254740992.0")]
    [TestCase(1e16, "1e+16")]
    [TestCase(1e22, "1e+22")]
    [TestCase(123456789012345678.0, "1.2345678901234568e+17")]
    [TestCase(double.MaxValue, "1.7976931348623157e+308")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(0.00001, "1e-05")]
    [TestCase(-0.00001, "-1e-05")]
    [TestCase(1.5e-7, "1.5e-07")]
    [TestCase(double.Epsilon, "5e-324")]
    [TestCase(double.PositiveInfinity, "inf")]
    [TestCase(double.NegativeInfinity, "-inf")]
    [TestCase(double.NaN, "nan")]
    public void Float_prints_what_Pythons_repr_prints(double value, string python) =>
        Assert.That(PythonRepr.Float(value), Is.EqualTo(python));

    [Test]
    public void Float_keeps_the_sign_of_negative_zero_and_the_last_digit_of_inexact_sums()
    {
        Assert.That(PythonRepr.Float(-0.0), Is.EqualTo("-0.0"));
        Assert.That(PythonRepr.Float(0.1 + 0.2), Is.EqualTo("0.30000000000000004"));
        Assert.That(PythonRepr.Float(1e-4 * 1.5), Is.EqualTo("0.00015000000000000001"));
    }

    [TestCase("it's", "\"it's\"")]
    [TestCase("a\tb\r\n\\", @"'a\tb\r\n\\'")]
    [TestCase("x\u000by\u007f", @"'x\x0by\x7f'")]
    [TestCase("both ' and \"", "'both \\' and \"'")]
    public void String_prints_what_Pythons_repr_prints(string value, string python) =>
        Assert.That(PythonRepr.String(value), Is.EqualTo(python));
}
