using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Validation;

/// <content>The rules of the capability level: the capabilities mapping (or list), each capability, and its patterns as a list.</content>
internal sealed partial class ToolRules
{
    /// <summary>The list-form items' own rules (names present and unique), on the raw list before normalisation.</summary>
    public void RunListItems(YamlMapping root)
    {
        if (root.Get(ToolFields.Capabilities) is not YamlSequence capabilities)
        {
            return;
        }

        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        for (var i = 0; i < capabilities.Items.Count; i++)
        {
            var path = FieldPath.Item(ToolFields.Capabilities, i);
            if (capabilities.Items[i] is not YamlMapping item)
            {
                _sink.Error(ValidationCodes.CapabilityNotMapping, path, capabilities.Items[i],
                    $"capability item {i} is {capabilities.Items[i].Describe()}; each item of a list-form capabilities list is a mapping {{capability_name, description, patterns}}");
                continue;
            }

            if (ListFormNormalizer.ItemName(item, ListFormNormalizer.CapabilityNameKey) is not { } name)
            {
                _sink.Error(ValidationCodes.CapabilityItemName, path, item,
                    $"capability item {i} has no capability_name (or name); give it one, e.g. capability_name: \"text_search\"");
                continue;
            }

            if (seen.TryGetValue(name.Text, out var first))
            {
                _sink.Error(ValidationCodes.CapabilityDuplicate, path, item,
                    $"the capability '{name.Text}' is defined twice (line {first.Start.Line} and line {item.Start.Line}); capability names must be unique within a tool");
                continue;
            }

            seen.Add(name.Text, item);
            if (item.Get(ToolFields.Patterns) is YamlSequence patterns)
            {
                PatternItems(patterns, FieldPath.Child(path, ToolFields.Patterns), name.Text);
            }
        }
    }

    private void PatternItems(YamlSequence patterns, string listPath, string capability)
    {
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        for (var i = 0; i < patterns.Items.Count; i++)
        {
            var path = FieldPath.Item(listPath, i);
            if (patterns.Items[i] is not YamlMapping item)
            {
                _sink.Error(ValidationCodes.PatternNotMapping, path, patterns.Items[i],
                    $"pattern item {i} of capability '{capability}' is {patterns.Items[i].Describe()}; each item is a mapping {{pattern_name, description, …}}");
                continue;
            }

            if (ListFormNormalizer.ItemName(item, ListFormNormalizer.PatternNameKey) is not { } name)
            {
                _sink.Error(ValidationCodes.PatternItemName, path, item,
                    $"pattern item {i} of capability '{capability}' has no pattern_name (or name); give it one, e.g. pattern_name: \"search_files\"");
                continue;
            }

            if (seen.TryGetValue(name.Text, out var first))
            {
                _sink.Error(ValidationCodes.PatternDuplicate, path, item,
                    $"the pattern '{name.Text}' of capability '{capability}' is defined twice (line {first.Start.Line} and line {item.Start.Line}); pattern names must be unique within a capability");
                continue;
            }

            seen.Add(name.Text, item);
        }
    }

    private void Capabilities(YamlMapping map, bool listForm)
    {
        var node = map.Get(ToolFields.Capabilities);
        if (node is null)
        {
            _sink.Error(ValidationCodes.ToolCapabilitiesMissing, ToolFields.Capabilities, map, _strict
                ? "Missing required section: 'capabilities'"
                : "the 'capabilities' section is missing; a tool needs at least one capability with at least one pattern");
            return;
        }

        if (node is not YamlMapping capabilities)
        {
            _sink.Error(ValidationCodes.ToolCapabilitiesNotMapping, ToolFields.Capabilities, node, _strict
                ? "'capabilities' must be a dictionary"
                : $"capabilities is {node.Describe()}; it must be a mapping of capability name to {{description, patterns}} (or, in list form, a list of {{capability_name, description, patterns}})");
            return;
        }

        if (capabilities.Count == 0)
        {
            _sink.Error(ValidationCodes.ToolNoCapabilities, ToolFields.Capabilities, capabilities, _strict
                ? "At least one capability must be defined"
                : "capabilities is empty; define at least one capability with at least one pattern");
            return;
        }

        foreach (var entry in capabilities.Entries)
        {
            Capability(entry.Key, entry.Value, listForm);
        }
    }

    private void Capability(YamlScalar key, YamlNode node, bool listForm)
    {
        var name = key.Text;
        var path = FieldPath.Child(ToolFields.Capabilities, name);
        if (!NamePatterns.IsValidName(name))
        {
            ReportAddedRule(ValidationCodes.CapabilityName, path, key, $"the capability name '{name}' does not follow the name pattern: {NamePatterns.NameRule}");
        }

        if (node is not YamlMapping capability)
        {
            _sink.Error(ValidationCodes.CapabilityNotMapping, path, node, _strict
                ? $"Capability '{name}' must be a dictionary"
                : $"capability '{name}' is {node.Describe()}; it must be a mapping with description and patterns");
            return;
        }

        if (!capability.Contains(ToolFields.Description))
        {
            _sink.Warning(ValidationCodes.CapabilityMissingDescription, FieldPath.Child(path, ToolFields.Description), capability, _strict
                ? $"Capability '{name}' missing description"
                : $"capability '{name}' has no description; describe what it does");
        }
        else if (capability.Get(ToolFields.Description) is not YamlScalar { IsString: true } description || description.Text.Length == 0)
        {
            ReportAddedRule(ValidationCodes.ToolNotAString, FieldPath.Child(path, ToolFields.Description), capability.Get(ToolFields.Description),
                $"the description of capability '{name}' is {capability.Get(ToolFields.Description)!.Describe()}; it must be non-empty text");
        }

        var patternsNode = capability.Get(ToolFields.Patterns);
        if (patternsNode is null)
        {
            _sink.Error(ValidationCodes.CapabilityPatternsMissing, FieldPath.Child(path, ToolFields.Patterns), capability, _strict
                ? $"Capability '{name}' missing 'patterns' section"
                : $"capability '{name}' has no patterns section; give it at least one pattern");
            return;
        }

        if (patternsNode is not YamlMapping patterns)
        {
            _sink.Error(ValidationCodes.CapabilityPatternsNotMapping, FieldPath.Child(path, ToolFields.Patterns), patternsNode, _strict
                ? $"Capability '{name}' patterns must be a dictionary"
                : $"the patterns of capability '{name}' are {patternsNode.Describe()}; they must be a mapping of pattern name to pattern{(listForm ? " (in list form, a list of {pattern_name, …})" : "")}");
            return;
        }

        if (patterns.Count == 0)
        {
            _sink.Error(ValidationCodes.CapabilityNoPatterns, FieldPath.Child(path, ToolFields.Patterns), patterns, _strict
                ? $"Capability '{name}' must have at least one pattern"
                : $"capability '{name}' has no patterns; give it at least one");
            return;
        }

        if (patterns.Count > _options.MaxPatternsPerCapability)
        {
            _sink.Warning(ValidationCodes.CapabilityTooManyPatterns, FieldPath.Child(path, ToolFields.Patterns), patterns,
                $"capability '{name}' has {patterns.Count} patterns; at most {_options.MaxPatternsPerCapability} are recommended (the original ProfileLoader refused the whole catalog with more: \"Too many patterns ({patterns.Count}). Max 5 per capability.\")");
        }

        foreach (var entry in patterns.Entries)
        {
            Pattern(name, entry.Key, entry.Value, FieldPath.Child(FieldPath.Child(path, ToolFields.Patterns), entry.Key.Text));
        }

        UnknownKeys(capability, path, ToolFields.CapabilityLevel,
            ValidationCodes.CapabilityUnknownKey, $"capability '{name}'");
    }
}
