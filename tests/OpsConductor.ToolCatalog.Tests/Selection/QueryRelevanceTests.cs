using System.Globalization;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Samples;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>
/// Selection that reads the request (decision 1801): query-only requests over the shipped catalog, the relevance feature
/// where a capability alone leaves the choice open, compatible mode untouched, and what the explanation says.
/// </summary>
public sealed class QueryRelevanceTests
{
    // what the operator says | variables | expected tool.pattern | why an operator accepts it
    [TestCase("scan the subnet for open ports", "N=16", "nmap.common_ports", "port_scan matches scan, open and port; the common ports answer within the pattern's cost limit (the full range is not production-safe)")]
    [TestCase("tail the last lines of the app log", "lines=200", "tail.last_lines", "file_read matches; tail's own text matches tail, last and lines, so it wins over reading the whole file")]
    [TestCase("certificate expiry of the endpoints", "N=20", "openssl.many_endpoints", "tls_certificate_check matches certificate, expiry and endpoint; parallel handshakes for 20 endpoints")]
    [TestCase("page the on-call engineer", "", "pagerduty.trigger_event", "incident_page is the only operation that pages")]
    [TestCase("rollback the helm release", "", "helm.rollback", "deployment_rollback matches rollback, and helm's pattern matches helm and release as well")]
    [TestCase("how full are the disks", "N=5", "df.filesystem_usage", "disk_usage: every file system with its use")]
    [TestCase("who owns web-01", "", "asset-inventory.one_asset", "asset_lookup: the owner is in the asset record, one lookup")]
    [TestCase("kill the stuck worker process", "N=1", "pkill.terminate", "process_kill; SIGTERM first")]
    [TestCase("what does api.example.com resolve to", "N=1", "dig.resolve_name", "dns_lookup: one query to the resolver")]
    [TestCase("list the pods in the namespace", "", "kubectl.namespace_pods", "pod_list for one namespace")]
    [TestCase("what is filling /var", "rows=100000", "find.large_files", "large_file_search matches filling and var")]
    [TestCase("resolve the reverse name of 10.20.0.15", "", "host.reverse", "dns_reverse_lookup: reverse lookups have their own capability")]
    [TestCase("silence alerts for the web servers during maintenance", "N=12", "maintenance-api.silence_hosts", "alert_silence: one maintenance window for the hosts")]
    [TestCase("lock the leaver's account", "N=3", "usermod.lock_password", "account_lock: lock and expire")]
    [TestCase("is the clock in sync", "N=20", "chronyc.tracking", "time_sync_status: one tracking read per host")]
    [TestCase("read the api key secret from vault", "", "vault-credentials.kv_latest", "secret_read from vault's KV store")]
    [TestCase("any kernel errors", "N=5", "dmesg.kernel_errors", "kernel_log_search: warnings and worse from the ring buffer")]
    [TestCase("scale the deployment to five replicas", "", "kubectl.scale", "deployment_scale")]
    public void A_query_only_request_selects_what_an_operator_would_accept(string query, string variables, string expected, string reason)
    {
        var result = new ToolSelector().Select(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = [], Query = query, Variables = Parse(variables) });

        var ranking = string.Join(", ", result.Evaluation.Ranked.Take(4).Select(r => $"{r.Candidate.Key} {r.Score:F3}"));
        Assert.That($"{result.ToolName}.{result.PatternName}", Is.EqualTo(expected), $"{query}: {reason} (ranking: {ranking}; {result.Evaluation.Relevance?.Explain()})");
        Assert.That(result.Evaluation.Relevance!.MatchedCapabilities.Select(m => m.Capability), Does.Contain(result.CapabilityName));
    }

    [TestCase("hello world")]
    [TestCase("the and of")]
    [TestCase("xyzzy plugh")]
    public void A_query_that_matches_nothing_says_so_and_names_the_query(string query)
    {
        var error = Assert.Throws<ToolSelectionException>(() => new ToolSelector().Select(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = [], Query = query }));
        Assert.That(error!.Message, Does.StartWith($"No tool matches the query \"{query}\""));
    }

    [Test]
    public void A_query_of_one_common_word_is_held_to_the_absolute_floor()
    {
        var selector = new ToolSelector(new SelectionOptions { QueryMatchFloor = 50 });
        var error = Assert.Throws<ToolSelectionException>(() => selector.Select(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = [], Query = "scan the subnet for open ports" }));
        Assert.That(error!.Message, Does.Contain("under the 50.00 a match needs"));
    }

    [Test]
    public void A_request_with_neither_capability_nor_query_is_refused_naming_the_field()
    {
        var error = Assert.Throws<InvalidSelectionRequestException>(() => new ToolSelector().Select(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = [], Query = "  " }));
        Assert.That(error!.Message, Does.Contain("Capabilities").And.Contain("or carry a query"));
    }

    [Test]
    public void The_explanation_of_a_query_only_selection_says_which_capabilities_matched_and_on_which_terms()
    {
        var result = new ToolSelector().Select(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = [], Query = "scan the subnet for open ports", Variables = Parse("N=16") });
        var text = result.Explain();

        Assert.Multiple(() =>
        {
            Assert.That(result.Evaluation.Relevance!.IsQueryOnly);
            Assert.That(result.Evaluation.Capabilities, Does.Contain("port_scan"));
            Assert.That(text, Does.Contain("Query \"scan the subnet for open ports\": terms scan, subnet, open, port"));
            Assert.That(text, Does.Contain("No capability named: searched the catalog by the query"));
            Assert.That(text, Does.Contain("port_scan: nmap.common_ports BM25"));
            Assert.That(text, Does.Contain("relevance ").And.Contain("query match BM25"));
            Assert.That(result.Winner.MatchedTerms, Is.SupersetOf(new[] { "scan", "port" }));
        });
    }

    // capability | variables | query | without the query | with it | why
    [TestCase("file_read", "lines=200", "follow the tail of the app log", "cat.whole_file", "tail.last_lines", "both read a file; the query asks for its end")]
    [TestCase("tls_certificate_check", "N=1", "show the whole certificate chain", "curl.certificate_expiry", "openssl.full_chain", "the query asks for the chain, not only the expiry")]
    public void In_extended_scoring_the_query_changes_the_pick_where_the_capability_alone_is_ambiguous(
        string capability, string variables, string query, string without, string with, string reason)
    {
        var selector = new ToolSelector(new SelectionOptions { ScoringMode = ScoringMode.Extended });
        var plain = selector.Select(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = [capability], Variables = Parse(variables), ExplicitMode = "balanced" });
        var read = selector.Select(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = [capability], Variables = Parse(variables), ExplicitMode = "balanced", Query = query });

        Assert.Multiple(() =>
        {
            Assert.That($"{plain.ToolName}.{plain.PatternName}", Is.EqualTo(without), $"{reason}: {plain.Evaluation.Explain()}");
            Assert.That($"{read.ToolName}.{read.PatternName}", Is.EqualTo(with), $"{reason}: {read.Evaluation.Explain()}");
            Assert.That(read.Evaluation.Weights.Relevance, Is.EqualTo(0.25));
            Assert.That(plain.Evaluation.Weights.Relevance, Is.Zero, "a request without a query is scored without relevance");
        });
    }

    [Test]
    public void In_compatible_mode_a_query_changes_no_score()
    {
        var selector = new ToolSelector();
        var plain = selector.Evaluate(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = ["file_read"], Variables = Parse("lines=200"), ExplicitMode = "balanced" });
        var read = selector.Evaluate(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = ["file_read"], Variables = Parse("lines=200"), ExplicitMode = "balanced", Query = "follow the tail of the app log" });

        Assert.Multiple(() =>
        {
            Assert.That(read.Ranked.Select(r => (r.Candidate.Key, r.Score)), Is.EqualTo(plain.Ranked.Select(r => (r.Candidate.Key, r.Score))));
            Assert.That(read.Relevance, Is.Null);
            Assert.That(read.Weights, Is.SameAs(FeatureWeights.ForMode(PreferenceMode.Balanced)));
        });
    }

    [Test]
    public void A_request_without_a_query_allocates_nothing_for_relevance()
    {
        var request = new SelectionRequest { Capabilities = ["file_read"], Variables = Parse("lines=200"), ExplicitMode = "balanced" };
        var compatibleWithQuery = request with { Query = "follow the tail of the app log" };
        var extended = new ToolSelector(new SelectionOptions { ScoringMode = ScoringMode.Extended });
        var extendedWithoutRelevance = new ToolSelector(new SelectionOptions { ScoringMode = ScoringMode.Extended, RelevanceWeight = 0 });
        var compatible = new ToolSelector();

        var extraWithoutQuery = (Allocated(() => extended.Evaluate(SampleCatalog.Snapshot, request)) - Allocated(() => extendedWithoutRelevance.Evaluate(SampleCatalog.Snapshot, request))) / 100.0;
        var extraCompatibleQuery = (Allocated(() => compatible.Evaluate(SampleCatalog.Snapshot, compatibleWithQuery)) - Allocated(() => extendedWithoutRelevance.Evaluate(SampleCatalog.Snapshot, compatibleWithQuery))) / 100.0;
        Assert.Multiple(() =>
        {
            Assert.That(extraWithoutQuery, Is.LessThan(16), "bytes per selection a request without a query pays for relevance being on");
            Assert.That(extraCompatibleQuery, Is.LessThan(16), "bytes per selection a query costs in compatible mode, where relevance is off");
        });
    }

    private static long Allocated(Action action)
    {
        for (var i = 0; i < 10; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static Dictionary<string, double>? Parse(string variables) => variables.Length == 0
        ? null
        : variables.Split(',').Select(v => v.Split('=')).ToDictionary(v => v[0], v => double.Parse(v[1], CultureInfo.InvariantCulture));
}
