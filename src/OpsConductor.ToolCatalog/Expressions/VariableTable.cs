using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Maps variable names to slots (small integers), so that compiled expressions read variables from an array instead of
/// looking names up. One table is shared by every expression of a catalog snapshot and by the
/// <see cref="ExpressionContext"/>s evaluated against them. Append-only and thread-safe: a slot, once given, keeps its
/// name forever.
/// </summary>
public sealed class VariableTable
{
    private static readonly string[] DefaultNames = ["N", "pages", "p95_latency", "cost", "time_ms"];
    private static readonly double[] DefaultValues = [0, 1, 100, 1, 1000];

    private readonly ConcurrentDictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private volatile string[] _names = new string[16];
    private volatile int _count;

    private VariableTable()
    {
        foreach (var name in DefaultNames)
        {
            GetOrAddSlot(name);
        }
    }

    /// <summary>
    /// The variables every context starts with, and their values, as the original's <c>DEFAULT_VARS</c>:
    /// <c>N = 0</c>, <c>pages = 1</c>, <c>p95_latency = 100</c>, <c>cost = 1</c>, <c>time_ms = 1000</c>. They hold slots 0 to 4
    /// of every table.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, double>> Defaults { get; } =
        [.. DefaultNames.Select((name, i) => KeyValuePair.Create(name, DefaultValues[i]))];

    /// <summary>How many names have slots (slots are 0 to <c>Count - 1</c>).</summary>
    public int Count => _count;

    /// <summary>Creates a table holding the default variables (<see cref="Defaults"/>) in slots 0 to 4.</summary>
    public static VariableTable CreateDefault() => new();

    /// <summary>Whether <paramref name="name"/> is one of the default variables, which every context provides.</summary>
    public static bool IsDefaultVariable(string name) => Array.IndexOf(DefaultNames, name) >= 0;

    /// <summary>Returns the slot of <paramref name="name"/>, giving it the next free slot if it has none yet.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a variable name (ASCII letters, digits and
    /// <c>_</c>, not starting with a digit).</exception>
    public int GetOrAddSlot(string name)
    {
        if (_slots.TryGetValue(name, out var slot))
        {
            return slot;
        }

        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a variable name: use ASCII letters, digits and _, not starting with a digit.", nameof(name));
        }

        lock (_gate)
        {
            if (_slots.TryGetValue(name, out slot))
            {
                return slot;
            }

            slot = _count;
            var names = _names;
            if (slot == names.Length)
            {
                Array.Resize(ref names, names.Length * 2);
            }

            names[slot] = name;
            _names = names;
            _count = slot + 1;
            _slots[name] = slot;
            return slot;
        }
    }

    /// <summary>Finds the slot of <paramref name="name"/> without adding it.</summary>
    public bool TryGetSlot(string name, out int slot) => _slots.TryGetValue(name, out slot);

    /// <summary>The name that holds <paramref name="slot"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not a slot of this table.</exception>
    public string NameOf(int slot)
    {
        // The count first: the writer publishes the names array before the count, so an array read after the count
        // holds every slot below it.
        var count = _count;
        var names = _names;
        if ((uint)slot >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), slot,
                string.Create(CultureInfo.InvariantCulture, $"The table has slots 0 to {count - 1}."));
        }

        return names[slot];
    }

    /// <summary>Whether <paramref name="name"/> could be a variable in an expression (an ASCII Python identifier).</summary>
    public static bool IsValidName([NotNullWhen(true)] string? name)
    {
        if (string.IsNullOrEmpty(name) || !Lexer.IsNameStart(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!Lexer.IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes the default values into slots 0 to 4 of <paramref name="values"/> and marks every other slot undefined.</summary>
    internal static void FillDefaults(double[] values)
    {
        DefaultValues.AsSpan().CopyTo(values);
        values.AsSpan(DefaultValues.Length).Fill(ExpressionContext.Undefined);
    }
}
