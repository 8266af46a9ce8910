using System.Globalization;
using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Model;

/// <summary>The kind of a <see cref="DataValue"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The kinds are named after the YAML/JSON value kinds they stand for.")]
public enum DataKind
{
    /// <summary>An explicit null (<c>~</c> or <c>null</c> in YAML).</summary>
    Null,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A whole number that fits in 64 bits.</summary>
    Integer,

    /// <summary>A floating-point number.</summary>
    Float,

    /// <summary>Text.</summary>
    String,

    /// <summary>An ordered list of values.</summary>
    List,

    /// <summary>A map from string keys to values.</summary>
    Map,

    /// <summary>A secret (<c>!secret</c> in YAML): a <see cref="SecretValue"/>, plaintext, sealed or the mask; never shown as text.</summary>
    Secret,
}

/// <summary>
/// A free-form, immutable, JSON-like value: what the catalog keeps for data it does not interpret
/// (metadata, example inputs, defaults of inputs, unknown keys). Compares by content; an integer and a
/// float compare equal when they are the same number. A secret (<see cref="DataKind.Secret"/>) compares as
/// <see cref="SecretValue"/> does and shows as its mask.
/// </summary>
public sealed class DataValue : IEquatable<DataValue>
{
    private readonly object? _value;

    private DataValue(DataKind kind, object? value)
    {
        Kind = kind;
        _value = value;
    }

    /// <summary>The explicit null value.</summary>
    public static DataValue Null { get; } = new(DataKind.Null, null);

    /// <summary>The value <c>true</c>.</summary>
    public static DataValue True { get; } = new(DataKind.Boolean, true);

    /// <summary>The value <c>false</c>.</summary>
    public static DataValue False { get; } = new(DataKind.Boolean, false);

    /// <summary>The kind of value.</summary>
    public DataKind Kind { get; }

    /// <summary>Creates a boolean value.</summary>
    public static DataValue FromBoolean(bool value) => value ? True : False;

    /// <summary>Creates an integer value.</summary>
    public static DataValue FromInteger(long value) => new(DataKind.Integer, value);

    /// <summary>Creates a float value.</summary>
    public static DataValue FromFloat(double value) => new(DataKind.Float, value);

    /// <summary>Creates a string value.</summary>
    public static DataValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(DataKind.String, value);
    }

    /// <summary>Creates a list value.</summary>
    public static DataValue FromList(EquatableArray<DataValue> items) => new(DataKind.List, items);

    /// <summary>Creates a map value.</summary>
    public static DataValue FromMap(DataMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new(DataKind.Map, map);
    }

    /// <summary>Creates a secret value.</summary>
    public static DataValue FromSecret(SecretValue secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return new(DataKind.Secret, secret);
    }

    /// <summary>Implicit conversion from text.</summary>
    public static implicit operator DataValue(string value) => FromString(value);

    /// <summary>Implicit conversion from a boolean.</summary>
    public static implicit operator DataValue(bool value) => FromBoolean(value);

    /// <summary>Implicit conversion from an integer.</summary>
    public static implicit operator DataValue(long value) => FromInteger(value);

    /// <summary>Implicit conversion from a float.</summary>
    public static implicit operator DataValue(double value) => FromFloat(value);

    /// <summary>Whether this is the explicit null.</summary>
    public bool IsNull => Kind == DataKind.Null;

    /// <summary>Whether this is an integer or a float.</summary>
    public bool IsNumber => Kind is DataKind.Integer or DataKind.Float;

    /// <summary>The boolean; throws when <see cref="Kind"/> is not <see cref="DataKind.Boolean"/>.</summary>
    public bool AsBoolean() => Kind == DataKind.Boolean ? (bool)_value! : throw WrongKind(DataKind.Boolean);

    /// <summary>The integer; throws when <see cref="Kind"/> is not <see cref="DataKind.Integer"/>.</summary>
    public long AsInteger() => Kind == DataKind.Integer ? (long)_value! : throw WrongKind(DataKind.Integer);

    /// <summary>The number as a double; throws unless <see cref="IsNumber"/>.</summary>
    public double AsDouble() => Kind switch
    {
        DataKind.Integer => (long)_value!,
        DataKind.Float => (double)_value!,
        _ => throw WrongKind(DataKind.Float),
    };

    /// <summary>The string; throws when <see cref="Kind"/> is not <see cref="DataKind.String"/>.</summary>
    public string AsString() => Kind == DataKind.String ? (string)_value! : throw WrongKind(DataKind.String);

    /// <summary>The list; throws when <see cref="Kind"/> is not <see cref="DataKind.List"/>.</summary>
    public EquatableArray<DataValue> AsList() => Kind == DataKind.List ? (EquatableArray<DataValue>)_value! : throw WrongKind(DataKind.List);

    /// <summary>The map; throws when <see cref="Kind"/> is not <see cref="DataKind.Map"/>.</summary>
    public DataMap AsMap() => Kind == DataKind.Map ? (DataMap)_value! : throw WrongKind(DataKind.Map);

    /// <summary>The secret; throws when <see cref="Kind"/> is not <see cref="DataKind.Secret"/>.</summary>
    public SecretValue AsSecret() => Kind == DataKind.Secret ? (SecretValue)_value! : throw WrongKind(DataKind.Secret);

    /// <summary>Whether this is a secret.</summary>
    public bool IsSecret => Kind == DataKind.Secret;

    /// <summary>A scalar rendered as text (null for the null value, lists, maps and secrets: a secret has no text to show).</summary>
    public string? ScalarText() => Kind switch
    {
        DataKind.String => (string)_value!,
        DataKind.Boolean => (bool)_value! ? "true" : "false",
        DataKind.Integer => ((long)_value!).ToString(CultureInfo.InvariantCulture),
        DataKind.Float => FormatFloat((double)_value!),
        _ => null,
    };

    /// <summary>Formats a double the way the catalog writes it: shortest round-trip form, always with a dot or exponent.</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return ".nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? ".inf" : "-.inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    /// <inheritdoc />
    public bool Equals(DataValue? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (IsNumber && other.IsNumber)
        {
            return Kind == DataKind.Integer && other.Kind == DataKind.Integer
                ? (long)_value! == (long)other._value!
                : AsDouble().Equals(other.AsDouble());
        }

        return Kind == other.Kind && Kind switch
        {
            DataKind.Null => true,
            DataKind.Boolean => (bool)_value! == (bool)other._value!,
            DataKind.String => string.Equals((string)_value!, (string)other._value!, StringComparison.Ordinal),
            DataKind.List => ((EquatableArray<DataValue>)_value!).Equals((EquatableArray<DataValue>)other._value!),
            DataKind.Map => ((DataMap)_value!).Equals((DataMap)other._value!),
            DataKind.Secret => ((SecretValue)_value!).Equals((SecretValue)other._value!),
            _ => false,
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DataValue);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        DataKind.Null => 0,
        DataKind.Integer or DataKind.Float => AsDouble().GetHashCode(),
        _ => HashCode.Combine(Kind, _value),
    };

    /// <summary>Content equality.</summary>
    public static bool operator ==(DataValue? left, DataValue? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Content inequality.</summary>
    public static bool operator !=(DataValue? left, DataValue? right) => !(left == right);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        DataKind.Null => "null",
        DataKind.List => AsList().ToString(),
        DataKind.Map => AsMap().ToString(),
        DataKind.Secret => SecretValue.Mask,
        _ => ScalarText()!,
    };

    private InvalidOperationException WrongKind(DataKind wanted) => new($"The value is a {Kind}, not a {wanted}.");
}
