// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

/// <summary>The store contract on SQLite: one database file per test, in a temporary directory.</summary>
[TestFixture]
public sealed class SqliteClientRegistrationStoreTests : EntityFrameworkClientRegistrationStoreContractTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("dcr-sqlite-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Timestamps_AreStoredAsSortableUnixMicroseconds()
    {
        // Arrange
        var registration = TestRegistrations.Create();
        await Store.CreateAsync(registration, TestRegistrations.Token(expiresAt: DateTimeOffset.UnixEpoch.AddTicks(15)), false, CancellationToken.None);

        // Act
        await using var context = await ContextAsync();
        var connection = (SqliteConnection)context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT typeof(ExpiresAt), ExpiresAt FROM DcrUsedRequestTokens", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        // Assert
        Assert.That(reader.GetString(0), Is.EqualTo("integer"));
        Assert.That(reader.GetInt64(1), Is.EqualTo(1));
    }

    protected override Task AddStoreForFreshDatabaseAsync(IServiceCollection services)
    {
        services.AddDcrSqliteStore($"Data Source={Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db")}");
        return Task.CompletedTask;
    }

    protected override void AddUnreachableStore(IServiceCollection services)
        => services.AddDcrSqliteStore($"Data Source={Path.Combine(_directory, "no-such-directory", "dcr.db")}");

    protected override Task<Func<Task>> AddStoreForMissingDatabaseAsync(IServiceCollection services)
    {
        var missing = Path.Combine(_directory, "later-" + Guid.NewGuid().ToString("N"));
        services.AddDcrSqliteStore($"Data Source={Path.Combine(missing, "dcr.db")}");
        return Task.FromResult<Func<Task>>(() =>
        {
            Directory.CreateDirectory(missing);
            return Task.CompletedTask;
        });
    }
}
