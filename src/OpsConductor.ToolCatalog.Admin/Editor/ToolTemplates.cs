using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Admin.Editor;

/// <summary>A starting point for a new tool: an id for the address (<c>?template=</c>), a title, and the tool.</summary>
internal sealed record ToolTemplate(string Id, string Title, ToolDefinition Tool);

/// <summary>
/// The editor's templates: a blank tool and three common kinds (a CLI command on Linux, a PowerShell cmdlet, an internal
/// HTTP API), each valid as it is, written as tool files and read by the catalog's own reader. "Copy of an existing tool"
/// is the other way to start (<see cref="CopyOf"/>).
/// </summary>
internal static class ToolTemplates
{
    public static IReadOnlyList<ToolTemplate> All { get; } =
    [
        Read("blank", "Blank tool", """
            tool_name: "new_tool"
            version: "1.0"
            description: "What the tool does, in one sentence"
            platform: "linux"
            category: "system"
            capabilities:
              capability_1:
                description: "What the capability is"
                patterns:
                  pattern_1:
                    description: "One way of doing it"
                    time_estimate_ms: "1000"
                    cost_estimate: "1"
            """),
        Read("linux-cli", "CLI command on Linux", """
            tool_name: "new_linux_command"
            version: "1.0"
            description: "Runs a command over SSH on Linux hosts"
            platform: "linux"
            category: "system"
            execution_location: "automation-service"
            defaults:
              accuracy_level: "real-time"
              freshness: "live"
              data_source: "direct"
            capabilities:
              host_command:
                description: "Run the command on one or more hosts"
                patterns:
                  run:
                    description: "Run it on N hosts in parallel"
                    typical_use_cases:
                      - "check something on the web servers"
                    time_estimate_ms: "500 + 200 * N"
                    cost_estimate: "ceil(N / 10)"
                    complexity_score: 0.3
                    scope: "batch"
                    completeness: "complete"
                    limitations:
                      - "Needs SSH access to every host"
                    policy:
                      max_cost: 20
                      requires_approval: false
                      production_safe: true
                      max_execution_time: 120
                      requires_background_if: "N > 50"
                      max_N_immediate: 50
                    preference_match:
                      speed: 0.8
                      accuracy: 0.9
                      cost: 0.9
                      complexity: 0.8
                      completeness: 0.8
                    required_inputs:
                      - name: "hosts"
                        type: "array"
                        description: "Hostnames or IP addresses; N is their number"
                    expected_outputs:
                      - name: "results"
                        type: "array"
                        description: "Per host: the output and exit status"
            metadata:
              tags: ["linux", "ssh"]
            """),
        Read("powershell", "PowerShell cmdlet on Windows", """
            tool_name: "new_powershell_cmdlet"
            version: "1.0"
            description: "Runs a PowerShell cmdlet on Windows hosts over WinRM"
            platform: "windows"
            category: "system"
            execution_location: "automation-service"
            defaults:
              accuracy_level: "real-time"
              freshness: "live"
              data_source: "direct"
            capabilities:
              windows_command:
                description: "Run the cmdlet on one or more Windows hosts"
                patterns:
                  invoke:
                    description: "Invoke-Command on N hosts"
                    typical_use_cases:
                      - "get a service's state on the Windows servers"
                    time_estimate_ms: "1500 + 400 * N"
                    cost_estimate: "ceil(N / 10)"
                    complexity_score: 0.4
                    scope: "batch"
                    completeness: "complete"
                    limitations:
                      - "Needs WinRM enabled on every host"
                    policy:
                      max_cost: 20
                      requires_approval: false
                      production_safe: true
                      max_execution_time: 300
                      requires_background_if: "N > 20"
                      max_N_immediate: 20
                    preference_match:
                      speed: 0.6
                      accuracy: 0.9
                      cost: 0.8
                      complexity: 0.7
                      completeness: 0.8
                    required_inputs:
                      - name: "computer_names"
                        type: "array"
                        description: "Windows host names; N is their number"
                    expected_outputs:
                      - name: "results"
                        type: "array"
                        description: "Per host: the cmdlet's objects"
            metadata:
              tags: ["windows", "powershell"]
            """),
        Read("http-api", "Internal HTTP API", """
            tool_name: "new_http_api"
            version: "1.0"
            description: "Calls an internal HTTP API"
            platform: "custom"
            category: "automation"
            execution_location: "automation-service"
            defaults:
              accuracy_level: "real-time"
              freshness: "live"
              data_source: "api"
            capabilities:
              api_query:
                description: "Query the API"
                patterns:
                  get_items:
                    description: "GET the items, a page of 100 at a time"
                    typical_use_cases:
                      - "list the items the service knows"
                    time_estimate_ms: "200 + 50 * ceil(N / 100)"
                    cost_estimate: "1"
                    complexity_score: 0.2
                    scope: "batch"
                    completeness: "complete"
                    limitations:
                      - "Rate limited by the service"
                    policy:
                      max_cost: 5
                      requires_approval: false
                      production_safe: true
                      max_execution_time: 30
                    preference_match:
                      speed: 0.9
                      accuracy: 0.9
                      cost: 0.9
                      complexity: 0.9
                      completeness: 0.7
                    required_inputs:
                      - name: "base_url"
                        type: "string"
                        description: "The service's address"
                        validation: "^https://"
                    expected_outputs:
                      - name: "items"
                        type: "array"
                        description: "The items as JSON objects"
            metadata:
              tags: ["http", "api"]
            """),
    ];

    /// <summary>The template with <paramref name="id"/>, or the blank one.</summary>
    public static ToolTemplate Find(string? id) =>
        All.FirstOrDefault(t => string.Equals(t.Id, id, StringComparison.Ordinal)) ?? All[0];

    /// <summary>A new tool that starts as a copy of <paramref name="tool"/>: named <c>NAME_copy</c>, version 1.0, active and
    /// enabled. Its secrets stay as stored (sealed), which writing the copy keeps.</summary>
    public static ToolDefinition CopyOf(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return tool with { Name = tool.Name + "_copy", Version = "1.0", Status = ToolStatus.Active, Enabled = true };
    }

    private static ToolTemplate Read(string id, string title, string yaml)
    {
        var document = new ToolYamlReader().Read(yaml, $"template {id}").ThrowIfUnreadable();
        return new ToolTemplate(id, title, document.Tools[0]);
    }
}
