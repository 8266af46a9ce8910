using System.Globalization;
using System.Runtime.CompilerServices;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// One request's variable values, by slot of a <see cref="VariableTable"/>. Starts with the original's defaults
/// (<c>N = 0</c>, <c>pages = 1</c>, <c>p95_latency = 100</c>, <c>cost = 1</c>, <c>time_ms = 1000</c>); values set here
/// override them. Cheap to create, reusable through <see cref="Reset"/>, and not thread-safe: use one per request.
/// </summary>
public sealed class ExpressionContext
{
    /// <summary>The bit pattern marking a slot that holds no value: a NaN payload no arithmetic or <see cref="Set(int, double)"/> produces.</summary>
    internal const long UndefinedBits = unchecked((long)0xFFF8_0BAD_0000_0001UL);

    internal static readonly double Undefined = BitConverter.Int64BitsToDouble(UndefinedBits);

    /// <summary>Reads a slot without checking it: beyond the array, the undefined marker.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double RawLoad(double[] values, int slot) => (uint)slot < (uint)values.Length ? values[slot] : Undefined;

    private double[] _values;

    /// <summary>Creates a context over <paramref name="variables"/> holding only the default values.</summary>
    public ExpressionContext(VariableTable variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        Variables = variables;
        _values = new double[Math.Max(variables.Count, 8)];
        VariableTable.FillDefaults(_values);
    }

    /// <summary>The table whose slots this context holds values for; expressions evaluated against it must use the same table.</summary>
    public VariableTable Variables { get; }

    /// <summary>
    /// The values by slot (<see cref="Undefined"/> where none). The table may have grown since the context was made, so
    /// the array can be shorter than the table: a slot beyond it holds no value.
    /// </summary>
    internal double[] Values => _values;

    /// <summary>
    /// Creates a context holding the values the original's <c>ProfileLoader.validate_expressions</c> checked every
    /// expression with: <c>N = 100</c>, <c>pages = 5</c>, <c>p95_latency = 150</c>, <c>cost = 10</c>, <c>time_ms = 1000</c>.
    /// </summary>
    public static ExpressionContext CreateValidationContext(VariableTable variables)
    {
        var context = new ExpressionContext(variables);
        context.Set(0, 100);
        context.Set(1, 5);
        context.Set(2, 150);
        context.Set(3, 10);
        context.Set(4, 1000);
        return context;
    }

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>, registering the name in the table if it is new.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a variable name.</exception>
    public void Set(string name, double value) => Set(Variables.GetOrAddSlot(name), value);

    /// <summary>Sets the variable in <paramref name="slot"/> to <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not a slot of <see cref="Variables"/>.</exception>
    public void Set(int slot, double value)
    {
        if ((uint)slot >= (uint)Variables.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), slot,
                string.Create(CultureInfo.InvariantCulture, $"The table has slots 0 to {Variables.Count - 1}."));
        }

        if (slot >= _values.Length)
        {
            Grow(slot + 1);
        }

        // Every NaN is stored as the canonical NaN, so no value can look like the undefined marker.
        _values[slot] = double.IsNaN(value) ? double.NaN : value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private double[] Grow(int length)
    {
        var grown = new double[Math.Max(Math.Max(length, Variables.Count), _values.Length * 2)];
        _values.AsSpan().CopyTo(grown);
        grown.AsSpan(_values.Length).Fill(Undefined);
        _values = grown;
        return grown;
    }

    /// <summary>Reads the variable in <paramref name="slot"/>: false when it is neither set nor defaulted.</summary>
    public bool TryGet(int slot, out double value)
    {
        if ((uint)slot < (uint)_values.Length && BitConverter.DoubleToInt64Bits(_values[slot]) != UndefinedBits)
        {
            value = _values[slot];
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Reads the variable <paramref name="name"/>: false when it is neither set nor defaulted.</summary>
    public bool TryGet(string name, out double value)
    {
        if (Variables.TryGetSlot(name, out var slot))
        {
            return TryGet(slot, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>Forgets every value set, going back to the defaults only.</summary>
    public void Reset() => VariableTable.FillDefaults(_values);
}
