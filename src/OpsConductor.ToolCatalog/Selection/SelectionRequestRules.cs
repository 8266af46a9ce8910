using System.Globalization;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// The one set of rules a <see cref="SelectionRequest"/> must meet, applied by <see cref="ToolSelector"/> at its
/// boundary (and by <see cref="SelectionRequest.Validate"/> for callers who want to check first, such as the CLI).
/// Each broken rule throws <see cref="InvalidSelectionRequestException"/> naming the field. Allocation-free when the
/// request is valid.
/// </summary>
internal static class SelectionRequestRules
{
    /// <summary>How many slots the built-in quantities (N, pages, p95_latency, cost, time_ms) hold: 0 to 4 of every table.</summary>
    private const int QuantitySlots = 5;

    /// <summary>Checks everything but the variables: capabilities, cost limit, environment and explicit mode.</summary>
    public static void CheckFields(SelectionRequest request)
    {
        var capabilities = request.Capabilities ?? [];
        if (capabilities.Count == 0 && string.IsNullOrWhiteSpace(request.Query))
        {
            throw new InvalidSelectionRequestException("Capabilities", request.Capabilities is null ? "null" : "[]",
                "a request must name at least one capability (such as service_control) or carry a query (Query) to search the catalog by");
        }

        for (var i = 0; i < capabilities.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(capabilities[i]))
            {
                throw new InvalidSelectionRequestException(string.Create(CultureInfo.InvariantCulture, $"Capabilities[{i}]"), Show(capabilities[i]),
                    "a capability name must not be null, empty or blank");
            }
        }

        if (request.CostLimit is { } limit && !(limit >= 0 && double.IsFinite(limit)))
        {
            throw new InvalidSelectionRequestException("CostLimit", Number(limit), "a cost limit must be a finite number ≥ 0, or null for no limit");
        }

        if (request.Calibration is { } calibration && !Enum.IsDefined(calibration))
        {
            throw new InvalidSelectionRequestException("Calibration", calibration.ToString(), "calibration must be Off, Report or Rank");
        }

        if (string.IsNullOrWhiteSpace(request.Environment))
        {
            throw new InvalidSelectionRequestException("Environment", Show(request.Environment),
                "name the environment the tool would run in (production, staging, development, …); production rules depend on it");
        }

        if (request.AssignmentKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            throw new InvalidSelectionRequestException("AssignmentKey", Show(key),
                "an assignment key (a user id or a request id) must not be empty or blank; leave it out to enrol the request in no experiment");
        }

        if (request.User is { } user && string.IsNullOrWhiteSpace(user))
        {
            throw new InvalidSelectionRequestException("User", Show(user),
                "a user must not be empty or blank; leave it out to target experiments by the assignment key");
        }

        if (request.Groups is { } groups)
        {
            for (var i = 0; i < groups.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(groups[i]))
                {
                    throw new InvalidSelectionRequestException($"Groups[{i}]", Show(groups[i]),
                        "a group name must not be null, empty or blank");
                }
            }
        }

        if (!string.IsNullOrEmpty(request.ExplicitMode) && !PreferenceModeNames.TryParse(request.ExplicitMode, out _))
        {
            throw new InvalidSelectionRequestException("ExplicitMode", Show(request.ExplicitMode),
                $"Invalid preference mode. Must be one of: {string.Join(", ", PreferenceModeNames.All)} (or null to detect it from the query)");
        }
    }

    /// <summary>
    /// Checks a request variable's name when the catalog's table does not know it yet: it must be a name an expression
    /// can read (not a constant such as <c>pi</c> or <c>e</c>, a function such as <c>log</c>, or a keyword).
    /// </summary>
    public static void CheckNewName(string name, double value)
    {
        if (!VariableTable.IsValidName(name))
        {
            throw new InvalidSelectionRequestException(Field("Variables", name), Number(value),
                "a variable name uses ASCII letters, digits and _, and does not start with a digit");
        }

        var facts = ExpressionAnalysis.Analyze(name);
        if (facts.IsValid && facts.Variables.Count == 1 && string.Equals(facts.Variables[0], name, StringComparison.Ordinal))
        {
            return;
        }

        throw new InvalidSelectionRequestException(Field("Variables", name), Number(value), facts.IsConstant
            ? $"'{name}' is a constant of the expression language ({Number(facts.ConstantValue ?? double.NaN)}); a request cannot override it"
            : $"'{name}' is a reserved word of the expression language (a function or keyword), not a variable; no estimate can read it");
    }

    /// <summary>Checks a variable's value: finite always, and ≥ 0 for the built-in quantities (slots 0 to 4).</summary>
    public static void CheckValue(string source, VariableTable table, int slot, double value)
    {
        if (double.IsFinite(value) && (value >= 0 || slot >= QuantitySlots))
        {
            return;
        }

        Refuse(source, table.NameOf(slot), value);
    }

    /// <summary>Checks a named variable's value, as <see cref="CheckValue(string, VariableTable, int, double)"/>.</summary>
    public static void CheckValue(string source, string name, double value)
    {
        if (double.IsFinite(value) && (value >= 0 || !VariableTable.IsDefaultVariable(name)))
        {
            return;
        }

        Refuse(source, name, value);
    }

    private static void Refuse(string source, string name, double value) =>
        throw new InvalidSelectionRequestException(Field(source, name), Number(value), !double.IsFinite(value)
            ? "a request variable must be a finite number"
            : name == "N"
                ? "N is the number of hosts (or items) the request is for and must be ≥ 0"
                : $"'{name}' is a count, time or cost and must be ≥ 0");

    /// <summary>Checks every value set in a prepared context.</summary>
    public static void CheckContext(ExpressionContext context)
    {
        var values = context.Values;
        for (var slot = 0; slot < values.Length; slot++)
        {
            if (context.TryGet(slot, out var value))
            {
                CheckValue("Context", context.Variables, slot, value);
            }
        }
    }

    private static string Field(string source, string name) => $"{source}[\"{name}\"]";

    private static string Show(string? text) => text is null ? "null" : $"\"{text}\"";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
