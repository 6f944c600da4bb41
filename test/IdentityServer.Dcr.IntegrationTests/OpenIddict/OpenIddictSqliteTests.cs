// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>The SQLite path of the OpenIddict migrations: a bank on one SQLite file registers a TPP and issues it a token.</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictSqliteTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"dcr-oidc-{Guid.NewGuid():N}.db");
    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync(sqliteConnectionString: $"Data Source={_file}");

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _bank.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Test]
    public async Task Lifecycle_OnSqlite_RegistersIssuesTokenAndReads()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();

        // Act
        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.AccessTokenAsync(tpp, clientId);
        using var read = await _bank.Environment.SendAsync(HttpMethod.Get, _bank.RegistrationUri(clientId), tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await CountAsync("SELECT COUNT(*) FROM OpenIddictApplications WHERE ClientId = $id", clientId), Is.EqualTo(1));
            Assert.That(await CountAsync("SELECT COUNT(*) FROM DcrClientRegistrations WHERE ClientId = $id", clientId), Is.EqualTo(1));
            Assert.That(await CountAsync("SELECT COUNT(*) FROM __DcrOpenIddictMigrationsHistory", null), Is.GreaterThan(0));
        });
    }

    private async Task<long> CountAsync(string sql, string? clientId)
    {
        await using var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (clientId is not null)
        {
            command.Parameters.AddWithValue("$id", clientId);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
