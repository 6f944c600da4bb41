// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

public abstract partial class EntityFrameworkClientRegistrationStoreContractTests
{
    [Test]
    public async Task CreateAsync_ThenFindByClientId_RoundTripsEveryField()
    {
        // Arrange
        var registration = TestRegistrations.Create();

        // Act
        var result = await Store.CreateAsync(registration, TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None);
        var found = await Store.FindByClientIdAsync(registration.ClientId, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.Success));
        Assert.That(found, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(found!.ClientId, Is.EqualTo(registration.ClientId));
            Assert.That(found.SoftwareId, Is.EqualTo(registration.SoftwareId));
            Assert.That(found.OrganisationId, Is.EqualTo(registration.OrganisationId));
            Assert.That(found.SoftwareStatementIssuer, Is.EqualTo(registration.SoftwareStatementIssuer));
            Assert.That(found.SoftwareStatement, Is.EqualTo(registration.SoftwareStatement));
            Assert.That(found.SoftwareStatementClaims, Is.EqualTo(registration.SoftwareStatementClaims));
            Assert.That(found.ClientSecretHash, Is.EqualTo(registration.ClientSecretHash));
            Assert.That(found.ConcurrencyStamp, Is.EqualTo(registration.ConcurrencyStamp));

            // Microsecond precision, in UTC, on both providers.
            Assert.That(found.ClientIdIssuedAt, Is.EqualTo(EntityFrameworkClientRegistrationStore.ToStoredPrecision(registration.ClientIdIssuedAt)));
            Assert.That(found.ClientIdIssuedAt.Ticks % 10, Is.Zero);
            Assert.That(found.ClientIdIssuedAt.Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That((registration.ClientIdIssuedAt - found.ClientIdIssuedAt).Ticks, Is.InRange(0, 9));
            Assert.That(found.UpdatedAt, Is.EqualTo(EntityFrameworkClientRegistrationStore.ToStoredPrecision(registration.UpdatedAt)));
            Assert.That(found.ClientSecretExpiresAt, Is.EqualTo(EntityFrameworkClientRegistrationStore.ToStoredPrecision(registration.ClientSecretExpiresAt!.Value)));

            var m = found.Metadata;
            var e = registration.Metadata;
            Assert.That(m.RedirectUris, Is.EqualTo(e.RedirectUris));
            Assert.That(m.TokenEndpointAuthMethod, Is.EqualTo(e.TokenEndpointAuthMethod));
            Assert.That(m.TokenEndpointAuthSigningAlg, Is.Null);
            Assert.That(m.GrantTypes, Is.EqualTo(e.GrantTypes));
            Assert.That(m.ResponseTypes, Is.EqualTo(e.ResponseTypes));
            Assert.That(m.Scope, Is.EqualTo(e.Scope));
            Assert.That(m.ApplicationType, Is.EqualTo(e.ApplicationType));
            Assert.That(m.IdTokenSignedResponseAlg, Is.EqualTo(e.IdTokenSignedResponseAlg));
            Assert.That(m.RequestObjectSigningAlg, Is.EqualTo(e.RequestObjectSigningAlg));
            Assert.That(m.TlsClientAuthSubjectDn, Is.EqualTo(e.TlsClientAuthSubjectDn));
            Assert.That(m.BackchannelTokenDeliveryMode, Is.EqualTo(e.BackchannelTokenDeliveryMode));
            Assert.That(m.BackchannelClientNotificationEndpoint, Is.Null);
            Assert.That(m.BackchannelUserCodeParameterSupported, Is.False);
            Assert.That(m.SoftwareId, Is.EqualTo(e.SoftwareId));
            Assert.That(m.JwksUri, Is.EqualTo(e.JwksUri));
        });
    }

    [Test]
    public async Task CreateAsync_ThenDenormalisedColumns_MatchMetadata()
    {
        // Arrange
        var registration = TestRegistrations.Create();

        // Act
        await Store.CreateAsync(registration, TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None);

        // Assert
        await using var context = await ContextAsync();
        var row = context.ClientRegistrations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(row.TokenEndpointAuthMethod, Is.EqualTo("tls_client_auth"));
            Assert.That(row.TlsClientAuthSubjectDn, Is.EqualTo(registration.Metadata.TlsClientAuthSubjectDn));
            Assert.That(row.JwksUri, Is.EqualTo(registration.Metadata.JwksUri));
            Assert.That(row.MetadataJson, Does.Contain("\"redirect_uris\""));
        });
    }

    [Test]
    public async Task FindByClientIdAsync_Unknown_ReturnsNull()
    {
        // Act
        var found = await Store.FindByClientIdAsync("nobody", CancellationToken.None);

        // Assert
        Assert.That(found, Is.Null);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task CreateAsync_ReplayedToken_ReturnsRequestTokenReplayedAndWritesNothing(bool requireUniqueSoftware)
    {
        // Arrange
        var token = TestRegistrations.Token();
        await Store.CreateAsync(TestRegistrations.Create(softwareId: "software-a"), token, requireUniqueSoftware, CancellationToken.None);

        // Act
        var result = await Store.CreateAsync(TestRegistrations.Create(softwareId: "software-b"), token with { ExpiresAt = token.ExpiresAt.AddHours(1) }, requireUniqueSoftware, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.RequestTokenReplayed));
        Assert.That(await CountRowsAsync(), Is.EqualTo((1, 1)));
        Assert.That(await Store.ExistsForSoftwareAsync("software-b", CancellationToken.None), Is.False);
    }

    [Test]
    public async Task CreateAsync_ReplayedToken_LogsNoErrorBecauseTheClientNotTheBankIsAtFault()
    {
        // Arrange: a store with every category's logs collected. A replay is the client's fault: EF Core's own entries
        // for the failed INSERT (with stack traces) at Error would let any client fill the bank's error log.
        await using var services = await BuildAsync(async s =>
        {
            s.AddFakeLogging();
            await AddStoreForFreshDatabaseAsync(s);
        });
        await services.MigrateDcrDatabaseAsync();
        var store = services.GetRequiredService<EntityFrameworkClientRegistrationStore>();
        var logs = services.GetFakeLogCollector();
        var token = TestRegistrations.Token();
        await store.CreateAsync(TestRegistrations.Create(softwareId: "software-a"), token, false, CancellationToken.None);

        // Act
        var result = await store.CreateAsync(TestRegistrations.Create(softwareId: "software-b"), token, false, CancellationToken.None);

        // Assert
        var errors = logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Category}: {r.Message}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(StoreWriteResult.RequestTokenReplayed));
            Assert.That(errors, Is.Empty);
        });
    }

    [Test]
    public async Task CreateAsync_SameSoftwareWithUniqueRequired_ReturnsDuplicateSoftwareAndWritesNothing()
    {
        // Arrange
        await Store.CreateAsync(TestRegistrations.Create(), TestRegistrations.Token(), requireUniqueSoftware: true, CancellationToken.None);
        var token = TestRegistrations.Token();

        // Act
        var result = await Store.CreateAsync(TestRegistrations.Create(), token, requireUniqueSoftware: true, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.DuplicateSoftware));
        Assert.That(await CountRowsAsync(), Is.EqualTo((1, 1)));
        Assert.That(await Store.IsRequestTokenUsedAsync(token.Issuer, token.Jti, CancellationToken.None), Is.False);
    }

    [Test]
    public async Task CreateAsync_SameSoftwareWithoutUniqueRequired_StoresBoth()
    {
        // Arrange
        await Store.CreateAsync(TestRegistrations.Create(), TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None);

        // Act
        var result = await Store.CreateAsync(TestRegistrations.Create(), TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.Success));
        Assert.That(await CountRowsAsync(), Is.EqualTo((2, 2)));
    }

    [Test]
    public async Task CreateAsync_ExistingClientId_ReturnsConcurrencyConflictAndWritesNothing()
    {
        // Arrange
        await Store.CreateAsync(TestRegistrations.Create("client-1"), TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None);

        // Act
        var result = await Store.CreateAsync(TestRegistrations.Create("client-1", softwareId: "other"), TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.ConcurrencyConflict));
        Assert.That(await CountRowsAsync(), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task CreateAsync_ConcurrentSameSoftwareWithUniqueRequired_ExactlyOneSucceeds()
    {
        // Arrange
        const int Writers = 8;
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(() =>
        {
            start.Wait();
            return Store.CreateAsync(TestRegistrations.Create(softwareId: "contested"), TestRegistrations.Token(), requireUniqueSoftware: true, CancellationToken.None);
        })).ToArray();

        // Act
        start.Set();
        var results = await Task.WhenAll(writers);

        // Assert
        Assert.That(results.Count(r => r == StoreWriteResult.Success), Is.EqualTo(1), string.Join(", ", results));
        Assert.That(results.Count(r => r == StoreWriteResult.DuplicateSoftware), Is.EqualTo(Writers - 1), string.Join(", ", results));
        Assert.That(await CountRowsAsync(), Is.EqualTo((1, 1)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task CreateAsync_ConcurrentSameToken_ExactlyOneSucceeds(bool requireUniqueSoftware)
    {
        // Arrange
        const int Writers = 8;
        var token = TestRegistrations.Token();
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Writers).Select(i => Task.Run(() =>
        {
            start.Wait();
            return Store.CreateAsync(TestRegistrations.Create(softwareId: $"software-{i}"), token, requireUniqueSoftware, CancellationToken.None);
        })).ToArray();

        // Act
        start.Set();
        var results = await Task.WhenAll(writers);

        // Assert
        Assert.That(results.Count(r => r == StoreWriteResult.Success), Is.EqualTo(1), string.Join(", ", results));
        Assert.That(results.Count(r => r == StoreWriteResult.RequestTokenReplayed), Is.EqualTo(Writers - 1), string.Join(", ", results));
        Assert.That(await CountRowsAsync(), Is.EqualTo((1, 1)));
    }
}
