// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Stores;

namespace IdentityServer.Dcr.UnitTests.Stores;

[TestFixture]
public sealed class InMemoryClientRegistrationStoreTests
{
    private static ClientRegistration NewRegistration(string clientId, string softwareId = "software1") => new()
    {
        ClientId = clientId,
        ClientIdIssuedAt = DateTimeOffset.UnixEpoch,
        SoftwareId = softwareId,
        OrganisationId = "org1",
        SoftwareStatementIssuer = "OpenBanking Ltd",
        Metadata = new ClientMetadata { SoftwareId = softwareId },
        SoftwareStatement = "a.b.c",
        SoftwareStatementClaims = "{}",
        UpdatedAt = DateTimeOffset.UnixEpoch,
        ConcurrencyStamp = "1",
    };

    [Test]
    public async Task CreateAsync_ReplayedToken_WritesNothing()
    {
        // Arrange
        var store = new InMemoryClientRegistrationStore();
        var token = new UsedRequestToken("software1", "jti-1", DateTimeOffset.UnixEpoch);
        await store.CreateAsync(NewRegistration("c1"), token, requireUniqueSoftware: false, CancellationToken.None);

        // Act
        var result = await store.CreateAsync(NewRegistration("c2"), token, requireUniqueSoftware: false, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(StoreWriteResult.RequestTokenReplayed));
            Assert.That(store.Registrations.Select(r => r.ClientId), Is.EqualTo(new[] { "c1" }));
        });
    }

    [Test]
    public async Task CreateAsync_DuplicateSoftwareWhenUniqueRequired_WritesNothing()
    {
        // Arrange
        var store = new InMemoryClientRegistrationStore();
        await store.CreateAsync(NewRegistration("c1"), new UsedRequestToken("s", "1", DateTimeOffset.UnixEpoch), false, CancellationToken.None);

        // Act
        var result = await store.CreateAsync(NewRegistration("c2"), new UsedRequestToken("s", "2", DateTimeOffset.UnixEpoch), true, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(StoreWriteResult.DuplicateSoftware));
            Assert.That(store.Registrations, Has.Count.EqualTo(1));
        });
    }
}
