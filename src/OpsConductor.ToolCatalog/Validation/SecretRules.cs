using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>
/// The rules of secret values. <b>Placement</b> (YAML018, an error): <c>!secret</c> may mark a string only where the
/// format holds free-form data: an input's <c>default</c>, <c>examples</c> and <c>allowed_values</c>, a pattern's
/// <c>examples</c>, the tool's <c>metadata</c>, an example's <c>inputs</c> and <c>expected_output</c>, and the value of
/// any key the model does not interpret (extension data), at any depth below those. A field the model interprets
/// (a name, a type, an estimate, a policy…) is never secret. The levels come from <see cref="ToolFields"/>, the one
/// table of the format. <b>Unmarked credentials</b> (TOOL028, a warning in lenient mode): a string that is not marked
/// secret but looks like a credential, by a key that ends in a credential word (password, db_password, token, secret, api_key, private_key…; not a key the
/// word only qualifies, such as secret_path or token_ttl) or by its shape (AKIA…, ghp_…, xoxb-…, a PEM private key, a JWT).
/// </summary>
internal static partial class SecretRules
{
    /// <summary>Fields of each level whose value is free-form data (a secret may stand anywhere inside).</summary>
    private static readonly Dictionary<FieldLevel, string[]> DataFields = new()
    {
        [ToolFields.ToolLevel] = [ToolFields.Metadata],
        [ToolFields.ExampleLevel] = [ToolFields.Inputs, ToolFields.ExpectedOutput],
        [ToolFields.InputLevel] = [ToolFields.Default, ToolFields.Examples, ToolFields.AllowedValues],
        [ToolFields.PatternLevel] = [ToolFields.Examples],
    };

    /// <summary>Checks where <c>!secret</c> stands in a tool's tree (canonical shape).</summary>
    public static void CheckPlacement(YamlNode root, FindingSink sink, string path = "") => Level(root, path, ToolFields.ToolLevel, sink);

    /// <summary>Warns about credential-looking strings that are not marked secret, anywhere in the tree.</summary>
    public static void WarnUnmarked(YamlNode root, FindingSink sink) => Unmarked(root, "", null, sink);

    private static void Level(YamlNode node, string path, FieldLevel level, FindingSink sink)
    {
        if (node is not YamlMapping map || IsSecretMarker(map))
        {
            Typed(node, path, sink);
            return;
        }

        foreach (var (key, value) in map.Entries)
        {
            var child = FieldPath.Child(path, TextRules.Printable(key.Text));
            if (!level.IsField(key.Text) || (DataFields.TryGetValue(level, out var data) && data.Contains(key.Text)))
            {
                continue; // free-form data: anything may be secret
            }

            switch (level.Label, key.Text)
            {
                case ("tool", ToolFields.Defaults):
                    Level(value, child, ToolFields.DefaultsLevel, sink);
                    break;
                case ("tool", ToolFields.Capabilities):
                    Keyed(value, child, ToolFields.CapabilityLevel, sink);
                    break;
                case ("tool", ToolFields.Dependencies):
                    Items(value, child, ToolFields.DependencyLevel, sink);
                    break;
                case ("tool", ToolFields.Examples):
                    Items(value, child, ToolFields.ExampleLevel, sink);
                    break;
                case ("capability", ToolFields.Patterns):
                    Keyed(value, child, ToolFields.PatternLevel, sink);
                    break;
                case ("pattern", ToolFields.Policy):
                    Level(value, child, ToolFields.PolicyLevel, sink);
                    break;
                case ("pattern", ToolFields.PreferenceMatch):
                    Level(value, child, ToolFields.PreferencesLevel, sink);
                    break;
                case ("pattern", ToolFields.RequiredInputs or ToolFields.OptionalInputs):
                    Items(value, child, ToolFields.InputLevel, sink);
                    break;
                case ("pattern", ToolFields.ExpectedOutputs):
                    Items(value, child, ToolFields.OutputLevel, sink);
                    break;
                default:
                    Typed(value, child, sink);
                    break;
            }
        }
    }

    private static void Keyed(YamlNode node, string path, FieldLevel level, FindingSink sink)
    {
        if (node is not YamlMapping map)
        {
            Typed(node, path, sink);
            return;
        }

        foreach (var (key, value) in map.Entries)
        {
            Level(value, FieldPath.Child(path, TextRules.Printable(key.Text)), level, sink);
        }
    }

    private static void Items(YamlNode node, string path, FieldLevel level, FindingSink sink)
    {
        if (node is not YamlSequence list)
        {
            Typed(node, path, sink);
            return;
        }

        for (var i = 0; i < list.Items.Count; i++)
        {
            Level(list.Items[i], FieldPath.Item(path, i), level, sink);
        }
    }

    /// <summary>A value the model interprets: no secret anywhere in it.</summary>
    private static void Typed(YamlNode node, string path, FindingSink sink)
    {
        switch (node)
        {
            case YamlScalar { IsSecret: true } secret:
                sink.Error(ValidationCodes.SecretMisplaced, path, secret,
                    $"'{path}' is marked !secret, but it is a field the catalog interprets, and such a field cannot be secret; !secret may mark a string only in free-form data: "
                    + "an input's default, examples or allowed_values, a pattern's examples, metadata, an example's inputs or expected_output, or the value of a key the catalog does not interpret");
                break;
            case YamlSequence list:
                for (var i = 0; i < list.Items.Count; i++)
                {
                    Typed(list.Items[i], FieldPath.Item(path, i), sink);
                }

                break;
            case YamlMapping marker when IsSecretMarker(marker):
                sink.Error(ValidationCodes.SecretMisplaced, path, marker,
                    $"'{path}' is a secret ({{\"$secret\": …}}, the JSON form of !secret), but it is a field the catalog interprets, and such a field cannot be secret; a secret may stand only in free-form data: "
                    + "an input's default, examples or allowed_values, a pattern's examples, metadata, an example's inputs or expected_output, or the value of a key the catalog does not interpret");
                break;
            case YamlMapping map:
                foreach (var (key, value) in map.Entries)
                {
                    Typed(value, FieldPath.Child(path, TextRules.Printable(key.Text)), sink);
                }

                break;
        }
    }

    private static bool IsSecretMarker(YamlMapping map) =>
        map.Count == 1 && map.Entries[0].Key.Text == ToolModelReader.SecretMarker && map.Entries[0].Value is YamlScalar { IsString: true };

    private static void Unmarked(YamlNode node, string path, string? key, FindingSink sink)
    {
        switch (node)
        {
            case YamlScalar { IsSecret: false, IsString: true } scalar when scalar.Text.Length > 0:
                if (LooksLikeCredential(key, scalar.Text) is { } why)
                {
                    sink.Warning(ValidationCodes.UnmarkedCredential, path, scalar,
                        $"'{path}' looks like a credential ({why}) but is not marked secret; mark it '!secret' (it is then encrypted before it is stored and masked when shown), or remove it");
                }

                break;
            case YamlSequence list:
                for (var i = 0; i < list.Items.Count; i++)
                {
                    Unmarked(list.Items[i], FieldPath.Item(path, i), key, sink);
                }

                break;
            case YamlMapping map:
                foreach (var (k, value) in map.Entries)
                {
                    Unmarked(value, FieldPath.Child(path, TextRules.Printable(k.Text)), k.Text, sink);
                }

                break;
        }
    }

    /// <summary>Why a value looks like a credential (the rule, never the value), or null.</summary>
    internal static string? LooksLikeCredential(string? key, string value)
    {
        if (AwsKey().IsMatch(value))
        {
            return "the form of an AWS access key id, AKIA…";
        }

        if (GitHubToken().IsMatch(value))
        {
            return "the form of a GitHub token, ghp_…";
        }

        if (SlackToken().IsMatch(value))
        {
            return "the form of a Slack token, xox…-";
        }

        if (PrivateKey().IsMatch(value))
        {
            return "a PEM private key block, -----BEGIN … PRIVATE KEY-----";
        }

        if (Jwt().IsMatch(value))
        {
            return "the form of a JSON Web Token, eyJ….….…";
        }

        if (key is not null && CredentialKey().IsMatch(key) && !Placeholder().IsMatch(value))
        {
            return $"its key '{key}' names a credential and it holds a literal";
        }

        return null;
    }

    [GeneratedRegex(@"\b(AKIA|ASIA)[0-9A-Z]{16}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AwsKey();

    [GeneratedRegex(@"\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bxox[abposr]-[A-Za-z0-9-]{10,}", RegexOptions.CultureInvariant)]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(^|[_\-.])(password|passwd|pwd|token|secret|api[_\-]?key|apikey|private[_\-]?key|access[_\-]?key|client[_\-]?secret)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CredentialKey();

    /// <summary>Values that name where a credential comes from rather than being one: ${VAR}, {{ var }}, &lt;placeholder&gt;, env:NAME, the mask.</summary>
    [GeneratedRegex(@"^(\$\{[^}]*\}|\{\{.*\}\}|<[^>]*>|env:\S+|\*+|changeme|none|null|xxx+|\.\.\.)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();
}
