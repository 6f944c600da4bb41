// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Immutable;
using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.OpenIddict.Applications;
using IdentityServer.Dcr.OpenIddict.EntityFramework;
using IdentityServer.Dcr.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenIddict.EntityFrameworkCore.Models;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>A registration and its OpenIddict application are written in one PostgreSQL transaction.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ApplicationSynchronisationTests
{
    private TestEnvironment _environment = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _environment = await TestEnvironment.StartWithEngineAsync(
        configureServices: (services, _) =>
        {
            services.AddSingleton<DcrApplicationMapper, FailingForSoftwareMapper>();
            services.AddDcr().AddOpenIddict();
        },
        configureApp: app => app.Services.MigrateDcrOpenIddictDatabaseAsync());

    [OneTimeTearDown]
    public async Task StopAsync() => await _environment.DisposeAsync();

    [Test]
    public async Task Register_Valid_CreatesRegistrationAndApplication()
    {
        // Arrange
        var tpp = _environment.NewTpp();

        // Act
        using var response = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp));

        // Assert
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var clientId = body["client_id"]!.GetValue<string>();
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
            Assert.That(await _environment.CountApplicationsAsync(clientId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Register_Rejected_StoresNeitherRow()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var before = await _environment.CountAllApplicationsAsync();

        // Act
        using var response = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp, c => c["aud"] = "another-bank"));

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
            Assert.That(await _environment.CountAllApplicationsAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Register_ApplicationWriteFails_RollsBackTheRegistration()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        FailingForSoftwareMapper.FailFor.Add(tpp.SoftwareId);
        var before = await _environment.CountAllApplicationsAsync();

        // Act
        using var response = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp));

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That((int)response.StatusCode, Is.GreaterThanOrEqualTo(500));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
            Assert.That(await _environment.CountAllApplicationsAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Delete_Registration_DeletesTheApplication()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        using var response = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp));
        var clientId = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["client_id"]!.GetValue<string>();
        var store = _environment.Host.Services.GetRequiredService<IClientRegistrationStore>();

        // Act
        var deleted = await store.DeleteAsync(clientId, CancellationToken.None);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(deleted, Is.True);
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
            Assert.That(await _environment.CountApplicationsAsync(clientId), Is.Zero);
        });
    }

    [Test]
    public async Task Create_ClientIdOfAnApplicationNotMadeByDcr_NeverTakesItOverAndStoresNothing()
    {
        // Arrange: an application with the client_id exists without a registration (made by the bank, not by DCR), as
        // when a bank's own client_id scheme collides with a client it created by hand.
        var tpp = _environment.NewTpp();
        using var response = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp));
        var clientId = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["client_id"]!.GetValue<string>();
        var store = _environment.Host.Services.GetRequiredService<IClientRegistrationStore>();
        var registration = (await store.FindByClientIdAsync(clientId, CancellationToken.None))!;
        await ExecuteAsync("DELETE FROM \"DcrClientRegistrations\" WHERE \"ClientId\" = @v", clientId);
        const string Version = "SELECT \"ConcurrencyToken\" FROM \"OpenIddictApplications\" WHERE \"ClientId\" = @v";
        var before = await ScalarAsync(Version, clientId);
        var request = new UsedRequestToken(tpp.SoftwareId, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.AddMinutes(5));

        // Act: the insert of the application fails on OpenIddict's unique client_id, so the whole write does.
        var thrown = Assert.CatchAsync(() => store.CreateAsync(registration, request, requireUniqueSoftware: false, CancellationToken.None));

        // Assert: a 503-class fault, no registration, and the existing application untouched.
        Assert.Multiple(async () =>
        {
            Assert.That(thrown, Is.InstanceOf<DcrInfrastructureException>());
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
            Assert.That(await _environment.CountUsedTokensAsync(tpp.SoftwareId), Is.EqualTo(1), "only the first request's jti");
            Assert.That(await _environment.CountApplicationsAsync(clientId), Is.EqualTo(1));
            Assert.That(await ScalarAsync(Version, clientId), Is.EqualTo(before), "the application was not rewritten");
        });
    }

    [Test]
    public async Task ScopedOpenIddictContext_IsRentedFromAPool_AndComesBackWithNothingTracked()
    {
        // Arrange: a request scope's context tracks an application, then the scope ends.
        DcrOpenIddictDbContext first;
        var scope = _environment.Host.Services.CreateAsyncScope();
        await using (scope)
        {
            first = scope.ServiceProvider.GetRequiredService<DcrOpenIddictDbContext>();
            first.Attach(new OpenIddictEntityFrameworkCoreApplication { ClientId = "tracked-" + Guid.NewGuid() });
            Assert.That(first.ChangeTracker.Entries().Count(), Is.EqualTo(1));
        }

        // Act: the next request scope.
        var next = _environment.Host.Services.CreateAsyncScope();
        await using (next)
        {
            var second = next.ServiceProvider.GetRequiredService<DcrOpenIddictDbContext>();

            // Assert: the same instance, reset, and still on the database.
            Assert.Multiple(async () =>
            {
                Assert.That(second, Is.SameAs(first), "the context is pooled");
                Assert.That(second.ChangeTracker.Entries(), Is.Empty);
                Assert.That(await second.Set<OpenIddictEntityFrameworkCoreApplication>().CountAsync(), Is.GreaterThanOrEqualTo(0));
            });
        }
    }

    [Test]
    public async Task EnlistedOpenIddictContext_IsPooled_AndDoesNotKeepTheCallersConnection()
    {
        // Arrange: a caller's open connection and transaction, as a registration's write has.
        var factory = _environment.Host.Services.GetRequiredService<DcrOpenIddictDbContextOptionsFactory>();
        await using var connection = new NpgsqlConnection(_environment.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // Act: a lease reads through the caller's transaction, is returned, and the next lease has no transaction.
        DcrOpenIddictDbContext first;
        long inTransaction;
        var lease = await factory.EnlistAsync(connection, transaction, CancellationToken.None);
        await using (lease)
        {
            first = lease.Context;
            inTransaction = await first.Database.SqlQueryRaw<long>("SELECT txid_current() AS \"Value\"").SingleAsync();
        }

        var next = await factory.EnlistAsync(connection, transaction: null, CancellationToken.None);
        await using (next)
        {
            // Assert: the same pooled instance, on the caller's connection, outside the first lease's transaction.
            Assert.Multiple(() =>
            {
                Assert.That(inTransaction, Is.GreaterThan(0));
                Assert.That(next.Context, Is.SameAs(first), "the enlisted context is pooled");
                Assert.That(next.Context.Database.CurrentTransaction, Is.Null);
                Assert.That(next.Context.Database.GetDbConnection(), Is.SameAs(connection));
            });
        }
    }

    private async Task ExecuteAsync(string sql, string value)
    {
        await using var connection = new NpgsqlConnection(_environment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("v", value);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> ScalarAsync(string sql, string value)
    {
        await using var connection = new NpgsqlConnection(_environment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("v", value);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Fails the application write of chosen software, to prove the registration rolls back with it.</summary>
    private sealed class FailingForSoftwareMapper : DcrApplicationMapper
    {
        public static readonly System.Collections.Concurrent.ConcurrentBag<string> FailFor = [];

        public override ImmutableArray<string> GetPermissions(ClientRegistration registration)
            => FailFor.Contains(registration.SoftwareId)
                ? throw new InvalidOperationException("Injected application write failure.")
                : base.GetPermissions(registration);
    }
}
