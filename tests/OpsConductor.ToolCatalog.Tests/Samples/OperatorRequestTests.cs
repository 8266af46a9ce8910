using System.Globalization;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Tests.Samples;

/// <summary>
/// Requests an operator would make of the shipped catalog, each with the tool and pattern an operator would accept and
/// why. Selection runs on the catalog's snapshot in YAML mode with the default options (compatible scoring, enforced
/// policies, the catalog's aliases); no database is involved. Where tools of one capability act on different systems
/// (Airflow or Jenkins, psql or sqlcmd), the answer depends on the target, which a request does not carry
/// (docs/catalog-guide.md, "What selection cannot know"): those operations are not in this table.
/// </summary>
public sealed class OperatorRequestTests
{
    private const string Nothing = "(nothing)";

    // what the operator says | capabilities | variables | environment | mode | expected tool.pattern | why an operator accepts it
    [TestCase("restart nginx on the web tier quickly", "service_restart", "N=12", "production", "fast", "systemctl.restart_all", "a restart, all hosts at once: the fastest way to do what was asked; approval is still required")]
    [TestCase("restart the agent on one host", "service_restart", "N=1", "production", "balanced", "systemctl.restart_all", "one host: a rolling restart would add a batch wait for nothing")]
    [TestCase("restart nginx on the web tier quickly (old name)", "service_control", "N=12", "production", "fast", "systemctl.restart_all", "the original's capability name is an alias of service_restart, so the old request still restarts")]
    [TestCase("quickstart's request with the original's alias", "service_management", "N=40", "production", "fast", "systemctl.restart_all", "service_management was an alias of service_control; both now mean a restart")]
    [TestCase("is nginx running on the three web servers", "service_status", "N=3", "production", "fast", "systemctl.unit_state", "a read-only state check, the fastest complete answer to 'is it running'")]
    [TestCase("start the worker on two hosts", "service_start", "N=2", "production", "balanced", "systemctl.start", "a plain start; enabling at boot changes more than asked")]
    [TestCase("stop the app on two staging hosts", "service_stop", "N=2", "staging", "balanced", "systemctl.stop", "stop without disabling: the smallest change that does it")]
    [TestCase("stop the app on two production hosts", "service_stop", "N=2", "production", "balanced", Nothing, "stopping a service is not production-safe: an operator expects a refusal, not a guess")]
    [TestCase("reload the haproxy config on 20 hosts", "service_reload", "N=20", "production", "balanced", "systemctl.reload", "a reload keeps connections; reload-or-restart may restart")]
    [TestCase("show the service logs of the last two hours on five hosts", "log_search", "N=5,hours=2", "production", "balanced", "journalctl.unit_window", "the unit's journal for the window, cheap to read on each host")]
    [TestCase("show the service logs of the last hour (old name)", "log_analysis", "N=1,hours=1", "production", "balanced", "journalctl.unit_window", "log_analysis is an alias of log_search")]
    [TestCase("any kernel errors on these five hosts", "kernel_log_search", "N=5", "production", "balanced", "dmesg.kernel_errors", "the kernel ring buffer, warnings and worse")]
    [TestCase("find the error in a 20 MB log file", "text_search", "file_size_kb=20000", "production", "balanced", "grep.search_file", "one file: searching the whole tree would read more")]
    [TestCase("count the 502s in the access log on 40 web servers", "text_search", "N=40,file_size_kb=2000", "production", "balanced", "grep.count_matches", "a batch count across hosts; per-host searches would take 40 times as long")]
    [TestCase("what is running on ten hosts, quickly", "process_list", "N=10", "production", "fast", "ps.all_processes", "one ps per host, complete")]
    [TestCase("kill the stuck worker", "process_kill", "N=1", "production", "balanced", "pkill.terminate", "SIGTERM first; the SIGKILL variant is not production-safe")]
    [TestCase("how full are the disks of five hosts", "disk_usage", "N=5", "production", "accurate", "df.filesystem_usage", "every file system with size and use")]
    [TestCase("are we out of inodes on five hosts", "inode_usage", "N=5", "production", "balanced", "df.inode_usage", "the inode question has its own capability")]
    [TestCase("memory use of 50 hosts", "memory_usage", "N=50", "production", "balanced", "free.snapshot", "one reading per host; sampling for a minute is not what was asked")]
    [TestCase("is the cpu busy on five hosts, quickly", "cpu_usage", "N=5", "production", "fast", "vmstat.short_sample", "five seconds of samples, not a minute")]
    [TestCase("load of the whole fleet", "load_average", "N=1000", "production", "balanced", "uptime.load_now", "one file read per host")]
    [TestCase("which of 1,000 hosts are up", "host_reachability", "N=1000", "production", "balanced", "ping.sweep", "a parallel sweep; a per-host ping would take over an hour and exceed its cost limit")]
    [TestCase("which of 1,000 hosts are up (old name)", "network_connectivity", "N=1000", "production", "balanced", "ping.sweep", "network_connectivity is an alias of host_reachability; its estimate now grows with N")]
    [TestCase("is web-01 really up", "host_reachability", "N=1", "production", "accurate", "ping.single_host", "several probes give loss and latency, not one lost packet's verdict")]
    [TestCase("is port 443 open on 200 web servers", "port_check", "N=200", "production", "balanced", "nmap.port_reachable", "one connect scan over all hosts")]
    [TestCase("what ports are open on the new server", "port_scan", "N=1", "production", "fast", "nmap.common_ports", "the full range scan is not production-safe; the common ports answer quickly")]
    [TestCase("what does api.example.com resolve to", "dns_lookup", "N=1", "production", "fast", "dig.resolve_name", "one query to the resolver")]
    [TestCase("resolve these four names", "dns_lookup", "N=4", "production", "accurate", "host.bulk_forward", "the names in parallel; one dig per name is slower")]
    [TestCase("what hostname is 10.20.0.15", "dns_reverse_lookup", "", "production", "fast", "host.reverse", "reverse lookups have their own capability")]
    [TestCase("is the api healthy", "http_check", "N=1", "production", "balanced", "check_http.with_thresholds", "status, content and time thresholds in one check")]
    [TestCase("are all 50 sites up", "http_check", "N=50", "production", "balanced", "curl.many_urls", "parallel requests; one check per URL would be slower")]
    [TestCase("certificate expiry of 200 endpoints", "tls_certificate_check", "N=200", "production", "balanced", "openssl.many_endpoints", "parallel handshakes; one at a time would be slower and over the cost limit")]
    [TestCase("trace the route to the branch office", "route_trace", "", "production", "balanced", "traceroute.trace_path", "one trace; mtr's many cycles are for loss analysis")]
    [TestCase("show the last 200 lines of the app log", "file_read", "lines=200", "production", "fast", "tail.last_lines", "only the end of the file, as asked")]
    [TestCase("show me the 20 KB config file", "file_read", "file_size_kb=20", "production", "accurate", "cat.whole_file", "the whole (small) file")]
    [TestCase("copy the 500 MB release to the web server", "file_copy", "size_mb=500,rows=2000", "production", "balanced", "rsync.copy", "only changed files; mirroring would delete and is a capability of its own")]
    [TestCase("where is nginx.conf", "file_search", "rows=100000", "production", "balanced", "find.by_name", "find by name on the host")]
    [TestCase("what is filling /var", "large_file_search", "rows=100000", "production", "balanced", "find.large_files", "the largest files, with find")]
    [TestCase("who owns web-01", "asset_lookup", "", "production", "fast", "asset-inventory.one_asset", "one record by key")]
    [TestCase("details of 500 hosts", "asset_lookup", "N=500", "production", "balanced", "asset-inventory.many_assets", "batched lookups, 100 per call")]
    [TestCase("who owns web-01 (old name)", "asset_query", "", "production", "fast", "asset-inventory.one_asset", "asset_query is an alias of asset_lookup")]
    [TestCase("how many linux servers do we have", "asset_count", "", "production", "fast", "asset-inventory.count", "a count is its own question")]
    [TestCase("read the payment provider's api key", "secret_read", "", "production", "fast", "vault-credentials.kv_latest", "the KV secret")]
    [TestCase("run uptime on web-01", "remote_command_run", "N=1", "production", "fast", "ssh.one_host", "one SSH command")]
    [TestCase("silence alerts for the 12 web servers during the restart", "alert_silence", "N=12", "production", "balanced", "maintenance-api.silence_hosts", "one maintenance window for all the hosts")]
    [TestCase("schedule the cleanup script nightly (old name)", "job_scheduling", "", "production", "balanced", "crontab.add_entry", "job_scheduling now means creating a recurring job, never cancelling one")]
    [TestCase("run the migration once tonight", "job_schedule_once", "", "production", "balanced", "at.run_once_at", "a one-off job on the host")]
    [TestCase("lock the leaver's local account on three hosts", "account_lock", "N=3", "production", "balanced", "usermod.lock_password", "lock and expire; ending sessions as well is not production-safe")]
    [TestCase("is the clock in sync on 20 hosts", "time_sync_status", "N=20", "production", "fast", "chronyc.tracking", "one tracking read per host; offset charts take seconds")]
    [TestCase("which services failed to start after the reboot", "stopped_auto_services", "N=4", "production", "balanced", "Get-Service.stopped_automatic", "the one tool that answers it")]
    public void An_operator_request_selects_a_tool_and_pattern_an_operator_would_accept(
        string request, string capabilities, string variables, string environment, string mode, string expected, string reason)
    {
        var selection = new SelectionRequest
        {
            Capabilities = capabilities.Split(','),
            Variables = variables.Length == 0
                ? new Dictionary<string, double>()
                : variables.Split(',').Select(v => v.Split('=')).ToDictionary(v => v[0], v => double.Parse(v[1], CultureInfo.InvariantCulture)),
            Environment = environment,
            ExplicitMode = mode,
        };

        if (expected == Nothing)
        {
            Assert.Throws<ToolSelectionException>(() => new ToolSelector().Select(SampleCatalog.Snapshot, selection), $"{request}: {reason}");
            return;
        }

        var result = new ToolSelector().Select(SampleCatalog.Snapshot, selection);
        var ranking = string.Join(", ", result.Evaluation.Ranked.Take(4).Select(r => $"{r.Candidate.ToolName}.{r.Candidate.PatternName} {r.Score:F3}"));
        Assert.That($"{result.ToolName}.{result.PatternName}", Is.EqualTo(expected), $"{request}: {reason} (ranking: {ranking})");
    }
}
