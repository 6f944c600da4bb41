// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace IdentityServer.Dcr.EntityFramework.Tests.Health;

/// <summary>
/// The store's readiness check on a real PostgreSQL server, reached through a loopback TCP proxy that can be cut: healthy
/// when reachable and migrated; unhealthy with pending migrations, while the database is cut, and back without a restart.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DcrStoreHealthCheckTests
{
    [Test]
    public async Task Check_Migrated_HealthyThenUnhealthyWhileCutThenHealthyAgain()
    {
        // Arrange: the store's connection goes through the proxy.
        var direct = new NpgsqlConnectionStringBuilder(await PostgreSqlTestServer.CreateDatabaseAsync());
        await using var proxy = new LoopbackTcpProxy(direct.Host!, direct.Port);
        proxy.Start();
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var services = Build(viaProxy);
        await services.MigrateDcrDatabaseAsync();

        // Act
        var before = await CheckAsync(services);
        await proxy.CutAsync();
        HealthCheckResult during;
        try
        {
            during = await CheckAsync(services);
        }
        finally
        {
            proxy.Restore();
        }

        var after = await CheckAsync(services);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(before.Status, Is.EqualTo(HealthStatus.Healthy), before.Description);
            Assert.That(during.Status, Is.EqualTo(HealthStatus.Unhealthy), during.Description);
            Assert.That(during.Description, Does.Contain("cannot be reached"));
            Assert.That(after.Status, Is.EqualTo(HealthStatus.Healthy), after.Description);
        });
    }

    [Test]
    public async Task Check_NotMigrated_UnhealthyNamingThePendingMigrations()
    {
        // Arrange: a database the host has not migrated.
        await using var services = Build(await PostgreSqlTestServer.CreateDatabaseAsync());

        // Act
        var result = await CheckAsync(services);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(result.Description, Does.Contain("migration(s) not applied"));
        });
    }

    [Test]
    public async Task Check_Sqlite_MigratedIsHealthy()
    {
        // Arrange
        var directory = Directory.CreateTempSubdirectory("dcr-health-");
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddDcrSqliteStore($"Data Source={Path.Combine(directory.FullName, "dcr.db")};Pooling=false")
            .AddHealthChecks().AddDcrStoreCheck().Services
            .BuildServiceProvider();
        await services.MigrateDcrDatabaseAsync();

        // Act
        var result = await CheckAsync(services);

        // Assert
        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy), result.Description);
        directory.Delete(recursive: true);
    }

    private static ServiceProvider Build(string connectionString)
        => new ServiceCollection()
            .AddLogging()
            .AddDcrPostgreSqlStore(connectionString)
            .AddHealthChecks().AddDcrStoreCheck().Services
            .BuildServiceProvider();

    private static async Task<HealthCheckResult> CheckAsync(IServiceProvider services)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = report.Entries["dcr-store"];
        return new HealthCheckResult(entry.Status, entry.Description, entry.Exception);
    }
}
