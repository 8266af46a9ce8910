using Npgsql;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.LocalPostgres;

/// <summary>The test-side entry points other fixtures build on (issue 5's fault tests restart a private server).</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class TestServerTests
{
    [Test]
    public async Task A_private_test_server_can_be_stopped_and_started_under_a_live_data_source()
    {
        await using var server = await TestServer.StartPrivateAsync();
        await using var db = await TestDatabase.CreateAsync(server);
        var store = db.CreateStore();
        await store.CreateAsync(GeneratedTools.Create(1));

        Assert.That(server.CanRestart, Is.True);
        await server.StopAsync();
        Assert.That(async () => await store.GetRevisionAsync(), Throws.InstanceOf<NpgsqlException>());
        await server.StartAsync();

        Assert.That(await store.GetRevisionAsync(), Is.EqualTo(1), "the same data source reconnects; the data is still there");
    }

    [Test]
    public async Task The_shared_local_test_server_keeps_its_data_folder_under_the_scratch_folder()
    {
        var server = await TestServer.GetSharedAsync();
        Assume.That(server.Kind, Is.EqualTo(TestServerKind.Local), "a container keeps its data inside the container");

        Assert.That(server.Local!.InstanceDirectory, Does.StartWith(TestScratch.Root + Path.DirectorySeparatorChar));
    }

    [Test]
    public void The_scratch_folder_is_the_memory_folder_when_usable_else_the_temporary_folder_unless_the_variable_names_one()
    {
        var memory = Directory.CreateTempSubdirectory("tc-scratch-memory-").FullName;
        var named = Path.Combine(memory, "named");
        try
        {
            var user = "toolcatalog-tests-" + Environment.UserName;
            Assert.That(TestScratch.Choose(_ => null, memory), Is.EqualTo(Path.Combine(memory, user)));
            Assert.That(Directory.Exists(Path.Combine(memory, user)), Is.True, "created");
            Assert.That(TestScratch.Choose(_ => null, Path.Combine(memory, "missing")), Is.EqualTo(Path.Combine(Path.GetTempPath(), user)));
            Assert.That(TestScratch.Choose(name => name == TestScratch.Variable ? named : null, memory), Is.EqualTo(named));
            Assert.That(Directory.Exists(named), Is.True, "created");
        }
        finally
        {
            Directory.Delete(memory, recursive: true);
        }
    }

    [Test]
    public async Task Each_test_database_is_a_fresh_migrated_database_of_its_own()
    {
        await using var first = await TestDatabase.CreateAsync();
        await using var second = await TestDatabase.CreateAsync();
        await first.CreateStore().CreateAsync(GeneratedTools.Create(1));

        Assert.That(first.Name, Is.Not.EqualTo(second.Name));
        Assert.That(await second.CreateStore().GetRevisionAsync(), Is.Zero);
        Assert.That(first.ConnectionString, Does.Contain("Max Auto Prepare=32"));
    }

    [Test]
    public async Task The_docker_probe_answers_no_when_no_engine_is_there()
    {
        var missingSocket = await DockerProbe.IsEngineAvailableAsync(name => name == "DOCKER_HOST" ? "unix:///nonexistent/docker.sock" : null, CancellationToken.None);
        var closedPort = await DockerProbe.IsEngineAvailableAsync(name => name == "DOCKER_HOST" ? "tcp://127.0.0.1:1" : null, CancellationToken.None);
        var unsupported = await DockerProbe.IsEngineAvailableAsync(name => name == "DOCKER_HOST" ? "ssh://somewhere" : null, CancellationToken.None);

        Assert.That(new[] { missingSocket, closedPort, unsupported }, Is.All.False);
    }
}
