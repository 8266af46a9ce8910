using OpsConductor.ToolCatalog.Tests.Support;

/// <summary>
/// Runs once per test assembly (it sits outside any namespace): stops the shared test server, if a test started one.
/// The server itself starts lazily, on the first <see cref="TestDatabase.CreateAsync(bool, CancellationToken)"/>.
/// </summary>
[SetUpFixture]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "A SetUpFixture outside every namespace applies to the whole assembly.")]
public sealed class DatabaseSetUpFixture
{
    [OneTimeTearDown]
    public async Task StopSharedServer() => await TestServer.StopSharedAsync();
}
