using System.Text.Json;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// A <see cref="SelectionRequest"/> that cannot be answered was refused before anything was ranked: the message names
/// the field (<c>Variables["N"]</c>, <c>CostLimit</c>, <c>Capabilities[0]</c>, <c>Environment</c>, …), the value and
/// the rule, e.g. <c>Variables["N"] = -5: N is the number of hosts and must be a finite number ≥ 0</c>. Unlike
/// <see cref="ToolSelectionException"/> (a valid request that nothing in the catalog can serve), this is the
/// caller's mistake: the CLI reports it as a usage error.
/// </summary>
public sealed class InvalidSelectionRequestException : ToolCatalogException
{
    /// <summary>Creates the exception for <paramref name="field"/>, whose value broke <paramref name="rule"/>.</summary>
    /// <param name="field">The request's field, as a C# reader would write it (<c>Variables["N"]</c>, <c>CostLimit</c>).</param>
    /// <param name="value">The offending value as text (<c>-5</c>, <c>NaN</c>, <c>null</c>, <c>""</c>).</param>
    /// <param name="rule">What is allowed.</param>
    public InvalidSelectionRequestException(string field, string value, string rule)
        : base($"{field} = {value}: {rule}")
    {
        Field = field;
        Value = value;
        Rule = rule;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public InvalidSelectionRequestException()
        : this("request", "?", "the selection request is not valid")
    {
    }

    /// <summary>Creates the exception with a message and no field.</summary>
    public InvalidSelectionRequestException(string message)
        : base(message)
    {
        Field = "request";
        Value = "?";
        Rule = message;
    }

    /// <summary>Creates the exception with a message, its cause and no field.</summary>
    public InvalidSelectionRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "request";
        Value = "?";
        Rule = message;
    }

    /// <summary>The field that was refused: <c>Capabilities</c>, <c>Capabilities[i]</c>, <c>Variables["name"]</c>, <c>Context["name"]</c>, <c>CostLimit</c>, <c>Environment</c> or <c>ExplicitMode</c>.</summary>
    public string Field { get; }

    /// <summary>
    /// <see cref="Field"/> as a request body spells it (the REST API's <c>POST /api/v1/select</c>, the admin UI's
    /// playground): <c>variables.N</c>, <c>capabilities[0]</c>, <c>cost_limit</c>, <c>mode</c>, …
    /// </summary>
    public string WireField =>
        Field.StartsWith("Variables[\"", StringComparison.Ordinal) && Field.EndsWith("\"]", StringComparison.Ordinal) ? "variables." + Field[11..^2]
        : Field.StartsWith("Capabilities", StringComparison.Ordinal) ? "capabilities" + Field["Capabilities".Length..]
        : Field.StartsWith("Groups", StringComparison.Ordinal) ? "groups" + Field["Groups".Length..]
        : Field switch
        {
            "ExplicitMode" => "mode",
            "CostLimit" => "cost_limit",
            "Environment" => "environment",
            "Permissions" => "permissions",
            "Variables" => "variables",
            _ => JsonNamingPolicy.SnakeCaseLower.ConvertName(Field),
        };

    /// <summary>The refused value as text.</summary>
    public string Value { get; }

    /// <summary>What the field allows.</summary>
    public string Rule { get; }
}
