using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Validation;

/// <content>The rules of the tool level: basic information, defaults, dependencies, metadata, lifecycle and the tool's examples.</content>
internal sealed partial class ToolRules
{
    private void BasicInfo(YamlMapping map)
    {
        foreach (var field in BasicFields)
        {
            var value = map.Get(field);
            if (value is null)
            {
                _sink.Error(ValidationCodes.ToolMissingField, field, map, _strict
                    ? $"Missing required field: '{field}'"
                    : $"the required field '{field}' is missing; a tool needs tool_name, version, description, platform and category");
            }
            else if (_strict ? !PythonSemantics.IsTruthy(value) : IsBlank(value))
            {
                _sink.Error(ValidationCodes.ToolEmptyField, field, value, _strict
                    ? $"Field '{field}' cannot be empty"
                    : $"'{field}' is empty ({value.Describe()}); give it a value");
            }
            else if (field != ToolFields.Version && value is not YamlScalar { IsString: true })
            {
                ReportAddedRule(ValidationCodes.ToolNotAString, field, value,
                    $"'{field}' is {value.Describe()}; it must be text (quote it)");
            }
        }

        VocabularyRule(map, ToolFields.Platform, _options.Platforms, ValidationCodes.ToolPlatform, originalIsError: true, unknownIsError: true,
            v => $"Invalid platform '{v}'. Must be one of: {_options.Platforms}");
        VocabularyRule(map, ToolFields.Category, _options.Categories, ValidationCodes.ToolCategory, originalIsError: true, unknownIsError: true,
            v => $"Invalid category '{v}'. Must be one of: {_options.Categories}");

        if (map.Get(ToolFields.Version) is { } version)
        {
            var text = version is YamlScalar s ? (_strict ? PythonSemantics.Str(s) : s.Text) : null;
            if ((_strict && (text is "" or "<VERSION>")) || (!_strict && text == "<VERSION>"))
            {
                _sink.Error(ValidationCodes.ToolVersionUnset, ToolFields.Version, version, _strict
                    ? "Version must be specified (e.g., '1.0', '2.1')"
                    : "version is still the template's '<VERSION>'; write a version such as \"1.0\"");
            }
            else if (!IsBlank(version))
            {
                if (version is not YamlScalar { IsString: true } versionText)
                {
                    ReportAddedRule(ValidationCodes.ToolVersionNotString, ToolFields.Version, version,
                        $"version is {version.Describe()}; write it as a quoted string (version: \"{(version as YamlScalar)?.Text ?? "1.0"}\"), since an unquoted 1.10 is the number 1.1");
                }
                else if (!NamePatterns.IsValidVersion(versionText.Text))
                {
                    ReportAddedRule(ValidationCodes.ToolVersionForm, ToolFields.Version, version,
                        $"version '{versionText.Text}' is not of the form {NamePatterns.VersionRule}");
                }
            }
        }

        MaxLength(map, ToolFields.Platform, "", ToolFields.PlatformLength);
        MaxLength(map, ToolFields.Category, "", ToolFields.CategoryLength);

        if (map.Get(ToolFields.ToolName) is YamlScalar { IsString: true } name && name.Text.Length > 0 && !NamePatterns.IsValidName(name.Text))
        {
            ReportAddedRule(ValidationCodes.ToolName, ToolFields.ToolName, name,
                $"tool_name '{name.Text}' does not follow the name pattern: {NamePatterns.NameRule}");
        }
    }

    private void Defaults(YamlMapping map)
    {
        var node = map.Get(ToolFields.Defaults);
        if (node is null)
        {
            _sink.Error(ValidationCodes.ToolDefaultsMissing, ToolFields.Defaults, map, _strict
                ? "Missing required section: 'defaults'"
                : "the 'defaults' section is missing; give defaults: {accuracy_level, freshness, data_source} (an empty mapping {} is allowed)");
            return;
        }

        if (node is not YamlMapping defaults)
        {
            _sink.Error(ValidationCodes.ToolDefaultsNotMapping, ToolFields.Defaults, node, _strict
                ? "'defaults' must be a dictionary"
                : $"defaults is {node.Describe()}; it must be a mapping of accuracy_level, freshness and data_source");
            return;
        }

        foreach (var field in RecommendedDefaults)
        {
            if (!defaults.Contains(field))
            {
                _sink.Warning(ValidationCodes.ToolDefaultMissing, FieldPath.Child(ToolFields.Defaults, field), defaults, _strict
                    ? $"Missing recommended default: '{field}'"
                    : $"the recommended default '{field}' is missing");
            }
        }

        VocabularyRule(defaults, ToolFields.AccuracyLevel, _options.AccuracyLevels, ValidationCodes.ToolAccuracyLevel, originalIsError: false, unknownIsError: false,
            v => $"Unusual accuracy_level '{v}'. Recommended: {_options.AccuracyLevels}", ToolFields.Defaults);
        VocabularyRule(defaults, ToolFields.Freshness, _options.FreshnessValues, ValidationCodes.ToolFreshness, originalIsError: false, unknownIsError: false,
            v => $"Unusual freshness '{v}'. Recommended: {_options.FreshnessValues}", ToolFields.Defaults);
        VocabularyRule(defaults, ToolFields.DataSource, _options.DataSources, ValidationCodes.ToolDataSource, originalIsError: null, unknownIsError: false,
            null, ToolFields.Defaults);

        foreach (var entry in defaults.Entries)
        {
            if (entry.Key.Text is ToolFields.AccuracyLevel or ToolFields.Freshness or ToolFields.DataSource or ToolFields.Scope or ToolFields.Completeness &&
                entry.Value is not YamlScalar { IsString: true } and not YamlScalar { IsNull: true })
            {
                ReportAddedRule(ValidationCodes.ToolNotAString, FieldPath.Child(ToolFields.Defaults, entry.Key.Text), entry.Value,
                    $"defaults.{entry.Key.Text} is {entry.Value.Describe()}; it must be text");
            }
        }
    }

    private void Dependencies(YamlMapping map)
    {
        if (map.Get(ToolFields.Dependencies) is not { } node)
        {
            return;
        }

        if (node is not YamlSequence list)
        {
            _sink.Error(ValidationCodes.ToolDependenciesNotList, ToolFields.Dependencies, node, _strict
                ? "'dependencies' must be a list"
                : $"dependencies is {node.Describe()}; it must be a list of {{name, type, required, version}}");
            return;
        }

        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item(ToolFields.Dependencies, i);
            if (list.Items[i] is not YamlMapping dependency || dependency.Get(ToolFields.Name) is not YamlScalar { IsString: true, Text.Length: > 0 } name)
            {
                ReportAddedRule(ValidationCodes.DependencyItem, path, list.Items[i],
                    $"dependency {i} is not a mapping with a name; each dependency is {{name, type, required, version}}");
                continue;
            }

            var label = $"dependency '{name.Text}'";
            if (dependency.Get(ToolFields.Type) is not YamlScalar { IsString: true } type)
            {
                ReportAddedRule(ValidationCodes.DependencyType, FieldPath.Child(path, ToolFields.Type), dependency.Get(ToolFields.Type) ?? dependency,
                    $"{label} has no type; allowed: {_options.DependencyTypes}");
            }
            else
            {
                VocabularyValue(type, _options.DependencyTypes, ValidationCodes.DependencyType, FieldPath.Child(path, ToolFields.Type), $"the type of {label}", unknownIsError: true);
            }

            if (dependency.Get(ToolFields.Required) is { } requiredFlag and not YamlScalar { IsBoolean: true })
            {
                ReportAddedRule(ValidationCodes.DependencyRequired, FieldPath.Child(path, ToolFields.Required), requiredFlag, $"required of {label} is {requiredFlag.Describe()}; it must be true or false");
            }

            UnknownKeys(dependency, path, ToolFields.DependencyLevel, ValidationCodes.ItemUnknownKey, label);
        }
    }

    private void Metadata(YamlMapping map)
    {
        if (map.Get(ToolFields.Metadata) is { } node and not YamlMapping)
        {
            _sink.Error(ValidationCodes.ToolMetadataNotMapping, ToolFields.Metadata, node, _strict
                ? "'metadata' must be a dictionary"
                : $"metadata is {node.Describe()}; it must be a mapping (author, tags, documentation_url, …)");
        }
    }

    private void Lifecycle(YamlMapping map)
    {
        if (map.Get(ToolFields.Status) is { } status &&
            !(status is YamlScalar { IsString: true } s && Model.ToolStatusNames.All.Contains(s.Text)))
        {
            ReportAddedRule(ValidationCodes.ToolStatus, ToolFields.Status, status,
                $"status is {status.Describe()}; it must be one of {string.Join(", ", Model.ToolStatusNames.All)}");
        }

        if (map.Get(ToolFields.Enabled) is { } enabled and not YamlScalar { IsBoolean: true })
        {
            ReportAddedRule(ValidationCodes.ToolEnabled, ToolFields.Enabled, enabled, $"enabled is {enabled.Describe()}; it must be true or false");
        }

        if (map.Get(ToolFields.ExecutionLocation) is { } location && location is not YamlScalar { IsString: true, Text.Length: > 0 })
        {
            ReportAddedRule(ValidationCodes.ToolExecutionLocation, ToolFields.ExecutionLocation, location,
                $"execution_location is {location.Describe()}; it must name the executing service, e.g. automation-service");
        }

        MaxLength(map, ToolFields.ExecutionLocation, "", ToolFields.ExecutionLocationLength);
    }

    private void ToolExamples(YamlMapping map)
    {
        if (map.Get(ToolFields.Examples) is not { } node)
        {
            return;
        }

        if (node is not YamlSequence list)
        {
            ReportAddedRule(ValidationCodes.ToolExamples, ToolFields.Examples, node, $"examples is {node.Describe()}; it must be a list of {{name, description, inputs, expected_time_ms, expected_cost}}");
            return;
        }

        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item(ToolFields.Examples, i);
            if (list.Items[i] is not YamlMapping example)
            {
                ReportAddedRule(ValidationCodes.ToolExamples, path, list.Items[i], $"example {i} is {list.Items[i].Describe()}; it must be a mapping");
                continue;
            }

            foreach (var key in new[] { ToolFields.ExpectedTimeMs, ToolFields.ExpectedCost })
            {
                if (example.Get(key) is { } value and not YamlScalar { IsNull: true } &&
                    !(value is YamlScalar { IsNumber: true } n && n.AsDouble() >= 0))
                {
                    ReportAddedRule(ValidationCodes.ToolExamples, FieldPath.Child(path, key), value, $"{key} of example {i} is {value.Describe()}; it must be a non-negative number");
                }
            }

            if (example.Get(ToolFields.Inputs) is { } inputs and not YamlMapping and not YamlScalar { IsNull: true })
            {
                ReportAddedRule(ValidationCodes.ToolExamples, FieldPath.Child(path, ToolFields.Inputs), inputs, $"inputs of example {i} is {inputs.Describe()}; it must be a mapping of input name to value");
            }
        }
    }
}
