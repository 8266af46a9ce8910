using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Files;

/// <summary>Importing YAML files and folders into the store, and exporting the store to a folder tree (issue 4).</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class CatalogFilesTests
{
    /// <summary>The property of a test that reads files only and gets no database.</summary>
    private const string FilesOnly = "FilesOnly";

    private readonly List<string> _folders = [];
    private TestDatabase? _db;
    private ToolCatalogStore _store = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        if (TestContext.CurrentContext.Test.Properties.ContainsKey(FilesOnly))
        {
            return;
        }

        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
    }

    [TearDown]
    public async Task DropDatabase()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }

        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }

        _folders.Clear();
    }

    /// <summary>
    /// The corpus' 223 files: 183 canonical files and 1 list-form file (prometheus.yaml) are tools, 184 in all, and all
    /// valid in lenient mode; the README's "184 canonical files" include the template, which is skipped with the 26
    /// name: stubs, the 11 tool: wrappers and the one-off VAPIX network-settings format.
    /// </summary>
    [Test]
    public async Task Importing_the_original_corpus_in_lenient_mode_stores_its_184_tools_and_skips_the_39_other_files()
    {
        var files = new CatalogFiles().Load(TestPaths.CompatTools);

        Assert.That(files.Files, Has.Count.EqualTo(223));
        Assert.That(files.IsValid, Is.True, string.Join("\n", files.Errors));
        Assert.That(files.Tools, Has.Count.EqualTo(184));
        Assert.That(files.Files.Count(f => f.Status == CatalogFileStatus.Tools && f.Shape == ToolFileShape.Canonical), Is.EqualTo(183));
        Assert.That(files.Files.Count(f => f.Status == CatalogFileStatus.Tools && f.Shape == ToolFileShape.ListForm), Is.EqualTo(1));
        var skipped = files.SkippedFiles.GroupBy(f => f.Shape).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(skipped, Is.EquivalentTo(new Dictionary<ToolFileShape, int>
        {
            [ToolFileShape.NameStub] = 26,
            [ToolFileShape.ToolWrapper] = 11,
            [ToolFileShape.Template] = 1,
            [ToolFileShape.Unknown] = 1,
        }));
        Assert.That(files.SkippedFiles.Single(f => f.Shape == ToolFileShape.Template).DisplayPath, Does.EndWith("tool_template.yaml"));

        var result = await CatalogFiles.ImportAsync(_store, files);

        Assert.That(result.Succeeded, Is.True);
        Assert.That(result.Count(ImportOutcome.NewTool), Is.EqualTo(184));
        Assert.That(await _store.ExportAsync(), Has.Count.EqualTo(184));
        Assert.That(result.Revision, Is.EqualTo(1), "one transaction, one revision");
    }

    [Test]
    public async Task Exporting_and_reimporting_into_an_empty_database_gives_an_identical_catalog()
    {
        await CatalogFiles.ImportAsync(_store, new CatalogFiles().Load(TestPaths.CompatTools));
        var folder = NewFolder();
        var original = await _store.ExportAsync();

        var written = await CatalogFiles.ExportAsync(_store, folder);
        await using var empty = await TestDatabase.CreateAsync();
        var reimported = await new CatalogFiles().ImportAsync(empty.CreateStore(), folder);
        var copy = await empty.CreateStore().ExportAsync();

        Assert.That(written, Has.Count.EqualTo(184));
        Assert.That(written.Select(w => w.RelativePath.Split('/')[0]).Distinct(), Is.EquivalentTo(new[] { "linux", "windows", "network", "database", "cloud", "kubernetes", "container", "custom", "monitoring" }));
        Assert.That(File.Exists(Path.Combine(folder, "linux", "grep.yaml")), Is.True);
        Assert.That(reimported.Succeeded, Is.True);
        Assert.That(reimported.Files.SkippedFiles, Is.Empty, "an export holds tool files only");
        Assert.That(copy, Is.EqualTo(original), "the same tool definitions, in the same order");
    }

    [Test]
    public async Task Reimporting_unchanged_files_writes_nothing_no_revision_and_no_audit()
    {
        var first = await new CatalogFiles().ImportAsync(_store, TestPaths.SampleTools);
        var audits = await AuditReader.CountAsync(_db!);

        var second = await new CatalogFiles().ImportAsync(_store, TestPaths.SampleTools);

        Assert.That(first.Count(ImportOutcome.NewTool), Is.EqualTo(202));
        Assert.That(second.Count(ImportOutcome.Unchanged), Is.EqualTo(202));
        Assert.That(second.Applied, Is.False);
        Assert.That(second.Revision, Is.EqualTo(first.Revision));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(first.Revision));
        Assert.That(await AuditReader.CountAsync(_db!), Is.EqualTo(audits));
    }

    [Test]
    public async Task One_invalid_file_refuses_the_whole_import_with_every_problem_named_and_nothing_written()
    {
        var folder = NewFolder();
        File.Copy(Path.Combine(TestPaths.SampleTools, "linux", "df.yaml"), Path.Combine(folder, "df.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "broken.yaml"), Broken);

        var result = await new CatalogFiles().ImportAsync(_store, folder);

        Assert.That(result.RefusedByValidation, Is.True);
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Report, Is.Null, "the store was not touched");
        var errors = result.Files.Errors;
        Assert.That(errors, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(errors.Select(e => e.File), Is.All.EqualTo(Path.Join(folder, "broken.yaml")));
        Assert.That(errors.Select(e => e.Path), Does.Contain("capabilities.check.patterns.run.complexity_score").And.Contain("platform"));
        Assert.That(errors, Has.All.Matches<ValidationFinding>(e => e.Line > 0 && e.Code.Length > 0 && e.Message.Length > 0));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task Per_file_imports_the_valid_files_and_reports_the_invalid_ones()
    {
        var folder = NewFolder();
        File.Copy(Path.Combine(TestPaths.SampleTools, "linux", "df.yaml"), Path.Combine(folder, "df.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "broken.yaml"), Broken);

        var result = await new CatalogFiles().ImportAsync(_store, folder, new CatalogImportOptions { PerFile = true });

        Assert.That(result.Count(ImportOutcome.NewTool), Is.EqualTo(1));
        Assert.That(result.Files.InvalidFiles.Single().DisplayPath, Does.EndWith("broken.yaml"));
        Assert.That(result.Succeeded, Is.False, "an invalid file is still a failure to report");
        Assert.That((await _store.GetAsync("df"))?.Definition.Version, Is.EqualTo("1.0"));
    }

    [Test]
    public async Task A_dry_run_says_what_would_change_and_writes_nothing()
    {
        await new CatalogFiles().ImportAsync(_store, Path.Combine(TestPaths.SampleTools, "linux"));
        var folder = NewFolder();
        var df = await File.ReadAllTextAsync(Path.Combine(TestPaths.SampleTools, "linux", "df.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "df2.yaml"), df.Replace("version: \"1.0\"", "version: \"2.0\"", StringComparison.Ordinal));
        File.Copy(Path.Combine(TestPaths.SampleTools, "network", "dig.yaml"), Path.Combine(folder, "dig.yaml"));
        File.Copy(Path.Combine(TestPaths.SampleTools, "linux", "ps.yaml"), Path.Combine(folder, "ps.yaml"));
        var revision = await _store.GetRevisionAsync();

        var result = await new CatalogFiles().ImportAsync(_store, folder, new CatalogImportOptions { DryRun = true });

        Assert.That(result.Items.Select(i => (i.Name, i.Outcome)), Is.EqualTo(new[]
        {
            ("df", ImportOutcome.NewVersion), ("dig", ImportOutcome.NewTool), ("ps", ImportOutcome.Unchanged),
        }));
        Assert.That(result.Applied, Is.False);
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(revision));
        Assert.That((await _store.GetAsync("df"))!.Definition.Version, Is.EqualTo("1.0"));
    }

    [Test]
    [Property(FilesOnly, "true")]
    public async Task The_same_tool_version_in_two_files_is_an_error_naming_both()
    {
        var folder = NewFolder();
        File.Copy(Path.Combine(TestPaths.SampleTools, "linux", "df.yaml"), Path.Combine(folder, "a.yaml"));
        File.Copy(Path.Combine(TestPaths.SampleTools, "linux", "df.yaml"), Path.Combine(folder, "b.yaml"));

        var files = new CatalogFiles().Load(folder);

        var error = files.Errors.Single();
        Assert.That(error.Code, Is.EqualTo(CatalogFiles.DuplicateToolCode));
        Assert.That(error.File, Does.EndWith("b.yaml"));
        Assert.That(error.Message, Does.Contain("tool 'df' version '1.0'").And.Contain("a.yaml"));
    }

    [Test]
    [Property(FilesOnly, "true")]
    public void A_non_tool_file_is_skipped_in_a_folder_but_invalid_when_named_on_its_own()
    {
        var template = Path.Combine(TestPaths.CompatTools, "templates", "tool_template.yaml");

        var inFolder = new CatalogFiles().Load(Path.GetDirectoryName(template)!);
        var alone = new CatalogFiles().Load(template);

        Assert.That(inFolder.Files.Single().Status, Is.EqualTo(CatalogFileStatus.Skipped));
        Assert.That(inFolder.Files.Single().SkipReason, Does.Contain("placeholder").IgnoreCase);
        Assert.That(inFolder.IsValid, Is.True);
        Assert.That(alone.Files.Single().Status, Is.EqualTo(CatalogFileStatus.Invalid));
        Assert.That(alone.Errors.Select(e => e.Code), Does.Contain("SHAPE003"));
    }

    [Test]
    [Property(FilesOnly, "true")]
    public void A_path_that_does_not_exist_is_refused_naming_it()
    {
        Assert.That(() => new CatalogFiles().Load("/no/such/folder"), Throws.TypeOf<CatalogFilesException>().With.Message.Contains("'/no/such/folder' does not exist"));
    }

    [Test]
    [Property(FilesOnly, "true")]
    public void Strict_mode_refuses_what_the_original_validator_refused()
    {
        var files = new CatalogFiles(ValidationOptions.StrictOriginal).Load(Path.Combine(TestPaths.CompatTools, "linux", "grep.yaml"));

        Assert.That(files.IsValid, Is.False);
        Assert.That(files.Strict, Is.True);
        Assert.That(files.Errors.Select(e => e.Message), Does.Contain("Invalid category 'text-processing'. Must be one of: system, network, automation, monitoring, security, database, cloud, container"));
    }

    [Test]
    public async Task A_profiles_file_imports_one_tool_per_entry_under_the_no_platform_folder_on_export()
    {
        var profiles = Path.Combine(TestPaths.OpsConductorCompat, "profiles", "tool_optimization_profiles.44c1a4bf.yaml");
        var folder = NewFolder();

        var imported = await new CatalogFiles().ImportAsync(_store, profiles);
        var written = await CatalogFiles.ExportAsync(_store, folder);

        Assert.That(imported.Succeeded, Is.True);
        Assert.That(imported.Items.Select(i => i.Name), Is.EqualTo(new[] { "asset-service-query", "asset-direct-poll", "info_display", "systemctl", "ps", "journalctl", "config_manager" }));
        Assert.That(written.Select(w => w.RelativePath), Has.All.StartsWith(CatalogFiles.NoPlatformFolder + "/"));
    }

    [Test]
    public async Task An_export_of_every_version_reimports_with_the_same_latest_versions_even_after_a_rollback()
    {
        var one = new ToolYamlReader().ReadFile(Path.Combine(TestPaths.SampleTools, "linux", "df.yaml")).Tools[0] with { Name = "versioned" };
        await _store.CreateAsync(one);
        await _store.PublishAsync(one with { Version = "2.0", Description = "second" });
        await _store.PublishAsync(one with { Version = "10.0", Description = "tenth" });
        await _store.RollbackAsync("versioned", "2.0");
        var folder = NewFolder();

        var written = await CatalogFiles.ExportAsync(_store, folder, new CatalogExportOptions { AllVersions = true });
        await using var empty = await TestDatabase.CreateAsync();
        var copy = empty.CreateStore();
        var result = await new CatalogFiles().ImportAsync(copy, folder);

        Assert.That(written.Select(w => w.RelativePath), Is.EqualTo(new[]
        {
            $"{one.Platform}/versioned/001-1.0.yaml", $"{one.Platform}/versioned/002-10.0.yaml", $"{one.Platform}/versioned/003-2.0.yaml",
        }));
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Files.Errors) + string.Join("\n", result.Items.Select(i => i.Message)));
        Assert.That((await copy.GetAsync("versioned"))!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That((await copy.ListVersionsAsync("versioned")).Select(v => v.Version), Is.EquivalentTo(new[] { "1.0", "2.0", "10.0" }));
        Assert.That(await copy.ExportAsync(allVersions: true), Is.EquivalentTo(await _store.ExportAsync(allVersions: true)));
    }

    [Test]
    public async Task Export_refuses_a_folder_that_is_not_empty_unless_overwriting_is_allowed()
    {
        await new CatalogFiles().ImportAsync(_store, Path.Combine(TestPaths.SampleTools, "network"));
        var folder = NewFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "mine");

        Assert.That(async () => await CatalogFiles.ExportAsync(_store, folder), Throws.TypeOf<CatalogFilesException>().With.Message.Contains("is not empty"));
        var written = await CatalogFiles.ExportAsync(_store, folder, new CatalogExportOptions { Overwrite = true });
        Assert.That(written, Has.Count.EqualTo(26), "the network folder's tools");
        Assert.That(await File.ReadAllTextAsync(Path.Combine(folder, "notes.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public async Task Export_filters_select_tools()
    {
        await new CatalogFiles().ImportAsync(_store, TestPaths.SampleTools);
        var folder = NewFolder();

        var written = await CatalogFiles.ExportAsync(_store, folder, new CatalogExportOptions { Filter = new ToolFilter { Capability = "service_status" } });

        Assert.That(written.Select(w => w.RelativePath), Is.EqualTo(new[] { "windows/Get-Service.yaml", "linux/systemctl.yaml" }));
    }

    [Test]
    [Property(FilesOnly, "true")]
    public void Names_that_are_not_safe_file_names_are_made_safe_and_kept_apart()
    {
        static ToolDefinition Tool(string name, string platform) => new() { Name = name, Version = "1.0", Platform = platform };

        var plan = CatalogFiles.PlanExport(
            [Tool("a/b", "linux"), Tool("a_b", "linux"), Tool(".hidden", "../etc"), Tool("Grep", ""), Tool("grep", "")],
            allVersions: false);

        Assert.That(plan.Select(p => p.File.RelativePath), Is.EqualTo(new[]
        {
            "linux/a_b.yaml", "linux/a_b~2.yaml", "_.._etc/_.hidden.yaml", "no-platform/Grep.yaml", "no-platform/grep~2.yaml",
        }));
    }

    private string NewFolder()
    {
        var folder = Directory.CreateTempSubdirectory("toolcatalog-files-").FullName;
        _folders.Add(folder);
        return folder;
    }

    private const string Broken = """
        tool_name: "broken"
        version: "1.0"
        description: "A tool with two mistakes"
        platform: "mainframe"
        category: "system"
        defaults:
          accuracy_level: "real-time"
          freshness: "live"
          data_source: "direct"
        capabilities:
          check:
            description: "Check"
            patterns:
              run:
                description: "Run"
                typical_use_cases: ["check"]
                time_estimate_ms: "100"
                cost_estimate: "1"
                complexity_score: 1.5
                scope: "batch"
                completeness: "complete"
                policy: {max_cost: 1, requires_approval: false, production_safe: true}
                preference_match: {speed: 1, accuracy: 1, cost: 1, complexity: 1, completeness: 1}
                required_inputs: []
                expected_outputs: []
        """;
}
