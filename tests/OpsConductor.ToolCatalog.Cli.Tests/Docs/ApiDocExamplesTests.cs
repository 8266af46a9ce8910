using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Cli.Tests.Docs;

/// <summary>
/// Every shell example of docs/api.md, run as written, in document order, with bash and curl against
/// <c>toolcatalog serve</c> over a real database holding the samples: every curl must get a 2xx or 3xx answer (curl runs
/// with <c>--fail-with-body</c>) and every <c>toolcatalog</c> command must succeed. The only change to the text is the
/// address: the server listens on a free port instead of 8080. The files the examples send (<c>new_tool.json</c>,
/// <c>grep.yaml</c>, …) are made in the working folder from the samples, as a reader would have them.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed partial class ApiDocExamplesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Test]
    public async Task Every_shell_example_of_the_api_guide_runs_as_written_against_toolcatalog_serve()
    {
        var blocks = ShellBlocks(File.ReadAllText(Path.Combine(CliPaths.RepositoryRoot, "docs", "api.md")));
        Assert.That(blocks, Has.Count.GreaterThanOrEqualTo(8), "the guide's sh and bash blocks");

        await using var db = await TestDatabase.CreateAsync();
        var samples = new CatalogFiles().Load(CliPaths.Samples).Tools;
        await db.CreateStore().ImportAsync(samples.Where(static t => t.Name != "grep").ToList());
        var work = Directory.CreateTempSubdirectory("toolcatalog-api-doc-");
        try
        {
            var shims = WriteFiles(work.FullName, samples.Single(static t => t.Name == "grep"));
            var admin = await CliHarness.RunAsync("keys", "create", "--name", "doc-admin", "--role", "admin", "--connection", db.ConnectionString);
            Assert.That(admin.ExitCode, Is.EqualTo(0), admin.Error);
            var key = admin.Output.TrimEnd().Split('\n')[^1].Trim();

            using var output = new LineWriter(Patience);
            using var stop = new CancellationTokenSource();
            var run = CliHarness.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--connection", db.ConnectionString], output, null, stop.Token);
            var listening = await Task.WhenAny(output.WaitForLineAsync(static l => l.StartsWith("Listening on ", StringComparison.Ordinal)), run);
            if (listening == run)
            {
                Assert.Fail($"serve ended before listening: {(await run).Error}");
            }

            var address = new Uri((await (Task<string>)listening)["Listening on ".Length..]).GetLeftPart(UriPartial.Authority);
            var failures = new List<string>();
            try
            {
                foreach (var (line, block) in blocks)
                {
                    var script = block.Replace("http://127.0.0.1:8080", address, StringComparison.Ordinal);
                    var (exitCode, text) = await RunBashAsync(script, work.FullName, new Dictionary<string, string>
                    {
                        ["PATH"] = shims + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                        ["TOOLCATALOG_CONNECTION"] = db.ConnectionString,
                        ["KEY"] = key,
                        ["API"] = address + "/api/v1",
                        ["BASE"] = address + "/api/v1",
                        ["AUTH"] = "Authorization: Bearer " + key,
                    });
                    if (exitCode != 0)
                    {
                        failures.Add($"docs/api.md line {line} (exit {exitCode}):\n{block}\n--- output ---\n{text}");
                    }
                }
            }
            finally
            {
                await stop.CancelAsync();
                await run.WaitAsync(Patience);
            }

            Assert.That(failures, Is.Empty);
            Assert.That(File.Exists(Path.Combine(work.FullName, "linux.zip")), Is.True, "the export example wrote its zip");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The <c>```sh</c> and <c>```bash</c> blocks, with the line each starts on.</summary>
    private static List<(int Line, string Text)> ShellBlocks(string markdown)
    {
        var blocks = new List<(int, string)>();
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() is not ("```sh" or "```bash"))
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].TrimEnd() != "```")
            {
                end++;
            }

            blocks.Add((start + 1, string.Join('\n', lines[start..end])));
            i = end;
        }

        return blocks;
    }

    /// <summary>The files the examples send, and a <c>toolcatalog</c> command (the CLI this test runs); returns the command's folder.</summary>
    private static string WriteFiles(string folder, ToolDefinition grep)
    {
        var newTool = GeneratedTools.Create(1, prefix: "new-tool");
        File.WriteAllText(Path.Combine(folder, "new_tool.json"), ToolJson.ToJson(newTool));
        File.WriteAllText(Path.Combine(folder, "grep.yaml"), ToolYamlWriter.Write(grep));

        // 2.0 drops a pattern: a breaking change, sent with allow_breaking=true.
        var capability = grep.Capabilities.First(static c => c.Patterns.Count > 1);
        var breaking = grep with
        {
            Version = "2.0",
            Capabilities = [.. grep.Capabilities.Select(c => c == capability ? c with { Patterns = [.. c.Patterns.Take(c.Patterns.Count - 1)] } : c)],
        };
        File.WriteAllText(Path.Combine(folder, "grep-2.0.yaml"), ToolYamlWriter.Write(breaking));
        File.WriteAllText(Path.Combine(folder, "find.yaml"), ToolYamlWriter.Write(GeneratedTools.Create(2, prefix: "find")));
        using (var zip = ZipFile.Open(Path.Combine(folder, "tools.zip"), ZipArchiveMode.Create))
        {
            zip.CreateEntryFromFile(Path.Combine(folder, "grep.yaml"), "linux/grep.yaml");
            zip.CreateEntryFromFile(Path.Combine(folder, "find.yaml"), "linux/find.yaml");
        }

        var bin = Directory.CreateDirectory(Path.Combine(folder, "bin")).FullName;
        var command = Path.Combine(bin, "toolcatalog");
        File.WriteAllText(command, $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "toolcatalog.dll")}\" \"$@\"\n");
        File.SetUnixFileMode(command, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    /// <summary>Runs a block with bash (-e, pipefail), curl failing on an HTTP error; returns the exit code and what it printed last.</summary>
    private static async Task<(int ExitCode, string Output)> RunBashAsync(string block, string folder, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var output = new StringBuilder();
        var lines = new object();
        process.OutputDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.StandardInput.WriteAsync(
            "set -euo pipefail\ncurl() { command curl --fail-with-body --show-error \"$@\"; echo; }\n" + block + "\n");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(timeout.Token);
        lock (lines)
        {
            var text = Redact().Replace(output.ToString(), "tc_…");
            return (process.ExitCode, text.Length <= 3000 ? text : "…" + text[^3000..]);
        }
    }

    [GeneratedRegex("tc_[A-Za-z0-9]{8}_[A-Za-z0-9_-]+")]
    private static partial Regex Redact();
}
