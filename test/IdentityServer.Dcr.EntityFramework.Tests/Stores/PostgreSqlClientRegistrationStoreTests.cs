// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Testing.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

/// <summary>The store contract on a real PostgreSQL server (see <see cref="PostgreSqlTestServer"/>).</summary>
[TestFixture]
[Category("Integration")]
public sealed class PostgreSqlClientRegistrationStoreTests : EntityFrameworkClientRegistrationStoreContractTests
{
    [OneTimeSetUp]
    public async Task ProvisionServerAsync()
    {
        await PostgreSqlTestServer.GetConnectionStringAsync();
        TestContext.Progress.WriteLine($"PostgreSQL: {PostgreSqlTestServer.Source}, provisioned in {PostgreSqlTestServer.StartupTime?.TotalSeconds:0.00} s.");
    }

    [Test]
    public async Task MigrateDcrDatabaseAsync_ConfiguredSchema_CreatesTablesOnlyInThatSchema()
    {
        // Arrange
        var connectionString = await PostgreSqlTestServer.CreateDatabaseAsync();
        await using var services = await BuildAsync(s =>
        {
            s.AddDcrPostgreSqlStore(connectionString, o => o.Schema = "dcr_custom");
            return Task.CompletedTask;
        });

        // Act
        await services.MigrateDcrDatabaseAsync();
        var store = services.GetRequiredService<IClientRegistrationStore>();
        var registration = TestRegistrations.Create();
        var result = await store.CreateAsync(registration, TestRegistrations.Token(), true, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.Success));
        Assert.That(await store.FindByClientIdAsync(registration.ClientId, CancellationToken.None), Is.Not.Null);
        var efStore = services.GetRequiredService<EntityFrameworkClientRegistrationStore>();
        Assert.That(await efStore.TryRecordUsedTokenAsync(TestRegistrations.Token(), CancellationToken.None), Is.True);
        var tables = await QueryTablesAsync(connectionString);
        Assert.That(tables, Is.EquivalentTo(new[]
        {
            "dcr_custom.DcrClientRegistrations",
            "dcr_custom.DcrUsedRequestTokens",
            "dcr_custom.DcrAuditRecords",
            "dcr_custom.__EFMigrationsHistory",
        }));
    }

    [Test]
    public async Task MigrateDcrDatabaseAsync_DefaultSchema_UsesTimestamptzColumns()
    {
        // Act
        var types = new List<string>();
        await using var context = await ContextAsync();
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_schema || '.' || table_name || '.' || column_name || ':' || data_type FROM information_schema.columns " +
            "WHERE data_type LIKE 'timestamp%' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            types.Add(reader.GetString(0));
        }

        // Assert
        Assert.That(types, Is.EquivalentTo(new[]
        {
            "public.DcrClientRegistrations.ClientIdIssuedAt:timestamp with time zone",
            "public.DcrClientRegistrations.ClientSecretExpiresAt:timestamp with time zone",
            "public.DcrClientRegistrations.UpdatedAt:timestamp with time zone",
            "public.DcrClientRegistrations.TransportCertificateNotAfter:timestamp with time zone",
            "public.DcrClientRegistrations.DisabledAt:timestamp with time zone",
            "public.DcrUsedRequestTokens.ExpiresAt:timestamp with time zone",
            "public.DcrAuditRecords.OccurredAt:timestamp with time zone",
        }));
    }

    protected override async Task AddStoreForFreshDatabaseAsync(IServiceCollection services)
        => services.AddDcrPostgreSqlStore(await PostgreSqlTestServer.CreateDatabaseAsync());

    protected override void AddUnreachableStore(IServiceCollection services)
        => services.AddDcrPostgreSqlStore($"Host=127.0.0.1;Port={LoopbackPort.Free()};Username=postgres;Database=dcr;Timeout=2;Command Timeout=2");

    protected override async Task<Func<Task>> AddStoreForMissingDatabaseAsync(IServiceCollection services)
    {
        var admin = await PostgreSqlTestServer.GetConnectionStringAsync();
        var name = "dcr_test_late_" + Guid.NewGuid().ToString("N");
        services.AddDcrPostgreSqlStore(new NpgsqlConnectionStringBuilder(admin) { Database = name, Timeout = 2 }.ConnectionString);
        return () => PostgreSqlTestServer.CreateDatabaseAsync(name);
    }

    private static async Task<List<string>> QueryTablesAsync(string connectionString)
    {
        var tables = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
