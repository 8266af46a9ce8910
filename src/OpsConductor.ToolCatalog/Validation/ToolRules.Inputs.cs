using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Validation;

/// <content>The rules of a pattern's inputs and outputs.</content>
internal sealed partial class ToolRules
{
    private void Inputs(YamlSequence list, string listPath, string where, Dictionary<string, YamlNode> seen)
    {
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item(listPath, i);
            if (list.Items[i] is not YamlMapping input)
            {
                ReportAddedRule(ValidationCodes.InputNotMapping, path, list.Items[i],
                    $"input {i} of {where} is {list.Items[i].Describe()}; each input is a mapping {{name, type, description, …}}");
                continue;
            }

            var name = input.Get(ToolFields.Name) is YamlScalar { IsString: true } n && n.Text.Length > 0 ? n.Text : null;
            if (name is null)
            {
                ReportAddedRule(ValidationCodes.InputName, FieldPath.Child(path, ToolFields.Name), input.Get(ToolFields.Name) ?? input,
                    $"input {i} of {where} has no name; give it name: \"...\" (text)");
            }
            else if (seen.TryGetValue(name, out var first))
            {
                ReportAddedRule(ValidationCodes.PatternDuplicateInput, FieldPath.Child(path, ToolFields.Name), input,
                    $"the input '{name}' of {where} is declared twice (line {first.Start.Line} and line {input.Start.Line}); input names must be unique across required_inputs and optional_inputs");
            }
            else
            {
                seen.Add(name, input);
            }

            var label = name is null ? $"input {i} of {where}" : $"input '{name}' of {where}";
            if (input.Get(ToolFields.Type) is not { } type)
            {
                ReportAddedRule(ValidationCodes.InputType, FieldPath.Child(path, ToolFields.Type), input,
                    $"{label} has no type; allowed: {_options.InputTypes}");
            }
            else if (type is not YamlScalar { IsString: true } typeText)
            {
                ReportAddedRule(ValidationCodes.InputType, FieldPath.Child(path, ToolFields.Type), type, $"the type of {label} is {type.Describe()}; allowed: {_options.InputTypes}");
            }
            else
            {
                VocabularyValue(typeText, _options.InputTypes, ValidationCodes.InputType, FieldPath.Child(path, ToolFields.Type), $"the type of {label}", unknownIsError: true);
            }

            if (input.Get(ToolFields.Validation) is { } validation and not YamlScalar { IsNull: true })
            {
                if (validation is not YamlScalar { IsString: true } regex)
                {
                    _sink.Warning(ValidationCodes.InputValidation, FieldPath.Child(path, ToolFields.Validation), validation,
                        $"the validation of {label} is {validation.Describe()}; it should be a regular expression string");
                }
                else if (RegexError(regex.Text) is { } error)
                {
                    _sink.Warning(ValidationCodes.InputValidation, FieldPath.Child(path, ToolFields.Validation), validation,
                        $"the validation of {label} is not a valid regular expression: {error}");
                }
            }

            foreach (var key in new[] { ToolFields.Examples, ToolFields.AllowedValues })
            {
                if (input.Get(key) is { } values and not YamlSequence)
                {
                    ReportAddedRule(ValidationCodes.InputLists, FieldPath.Child(path, key), values, $"{key} of {label} is {values.Describe()}; it must be a list");
                }
            }

            if (input.Get(ToolFields.Required) is { } requiredFlag and not YamlScalar { IsBoolean: true })
            {
                ReportAddedRule(ValidationCodes.RequiredFlag, FieldPath.Child(path, ToolFields.Required), requiredFlag, $"required of {label} is {requiredFlag.Describe()}; it must be true or false");
            }

            AllowedValues(input, path, label);
            UnknownKeys(input, path, ToolFields.InputLevel, ValidationCodes.ItemUnknownKey, label);
        }
    }

    private void AllowedValues(YamlMapping input, string path, string label)
    {
        if (input.Get(ToolFields.AllowedValues) is not YamlSequence { Items.Count: > 0 } allowed)
        {
            return;
        }

        var values = allowed.Items.OfType<YamlScalar>().Select(s => s.Text).ToHashSet(StringComparer.Ordinal);
        if (input.Get(ToolFields.Default) is YamlScalar { IsNull: false } d && !values.Contains(d.Text) && d.Text.Length > 0)
        {
            _sink.Warning(ValidationCodes.NotAllowedValue, FieldPath.Child(path, ToolFields.Default), d,
                $"the default '{d.Text}' of {label} is not among its allowed_values ({string.Join(", ", values)})");
        }

        if (input.Get(ToolFields.Examples) is YamlSequence examples)
        {
            foreach (var example in examples.Items.OfType<YamlScalar>().Where(e => !values.Contains(e.Text)))
            {
                _sink.Warning(ValidationCodes.NotAllowedValue, FieldPath.Child(path, ToolFields.Examples), example,
                    $"the example '{example.Text}' of {label} is not among its allowed_values ({string.Join(", ", values)})");
            }
        }
    }

    private void Outputs(YamlSequence list, string listPath, string where)
    {
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item(listPath, i);
            if (list.Items[i] is not YamlMapping output || output.Get(ToolFields.Name) is not YamlScalar { IsString: true, Text.Length: > 0 } name)
            {
                ReportAddedRule(ValidationCodes.OutputItem, path, list.Items[i],
                    $"output {i} of {where} is not a mapping with a name; each output is {{name, type, description}}");
                continue;
            }

            var label = $"output '{name.Text}' of {where}";
            if (output.Get(ToolFields.Required) is { } requiredFlag and not YamlScalar { IsBoolean: true })
            {
                ReportAddedRule(ValidationCodes.RequiredFlag, FieldPath.Child(path, ToolFields.Required), requiredFlag, $"required of {label} is {requiredFlag.Describe()}; it must be true or false");
            }

            UnknownKeys(output, path, ToolFields.OutputLevel, ValidationCodes.ItemUnknownKey, label);
        }
    }
}
