// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Stores;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

public abstract partial class EntityFrameworkClientRegistrationStoreContractTests
{
    [Test]
    public async Task UpdateAsync_CurrentStamp_ReplacesRegistrationAndRecordsToken()
    {
        // Arrange
        var original = await CreateStoredAsync();
        var updated = TestRegistrations.Updated(original, "stamp-2");
        var token = TestRegistrations.Token();

        // Act
        var result = await Store.UpdateAsync(updated, original.ConcurrencyStamp, token, CancellationToken.None);

        // Assert
        var found = await Store.FindByClientIdAsync(original.ClientId, CancellationToken.None);
        Assert.That(result, Is.EqualTo(StoreWriteResult.Success));
        Assert.Multiple(() =>
        {
            Assert.That(found!.ConcurrencyStamp, Is.EqualTo("stamp-2"));
            Assert.That(found.Metadata.TokenEndpointAuthMethod, Is.EqualTo("private_key_jwt"));
            Assert.That(found.Metadata.RedirectUris, Is.EqualTo(new[] { "https://tpp.example/new" }));
            Assert.That(found.ClientSecretHash, Is.Null);
            Assert.That(found.ClientSecretExpiresAt, Is.Null);
            Assert.That(found.UpdatedAt, Is.EqualTo(Dcr.EntityFramework.Stores.EntityFrameworkClientRegistrationStore.ToStoredPrecision(updated.UpdatedAt)));
        });
        Assert.That(await Store.IsRequestTokenUsedAsync(token.Issuer, token.Jti, CancellationToken.None), Is.True);
    }

    [Test]
    public async Task UpdateAsync_StaleStamp_ReturnsConcurrencyConflictAndWritesNothing()
    {
        // Arrange
        var original = await CreateStoredAsync();
        var token = TestRegistrations.Token();

        // Act
        var result = await Store.UpdateAsync(TestRegistrations.Updated(original, "stamp-2"), "stale", token, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.ConcurrencyConflict));
        var found = await Store.FindByClientIdAsync(original.ClientId, CancellationToken.None);
        Assert.That(found!.ConcurrencyStamp, Is.EqualTo(original.ConcurrencyStamp));
        Assert.That(await Store.IsRequestTokenUsedAsync(token.Issuer, token.Jti, CancellationToken.None), Is.False);
    }

    [Test]
    public async Task UpdateAsync_UnknownClient_ReturnsNotFound()
    {
        // Act
        var result = await Store.UpdateAsync(TestRegistrations.Create("nobody"), "stamp", TestRegistrations.Token(), CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.NotFound));
        Assert.That(await CountRowsAsync(), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task UpdateAsync_ReplayedToken_ReturnsRequestTokenReplayedAndWritesNothing()
    {
        // Arrange
        var createToken = TestRegistrations.Token();
        var original = await CreateStoredAsync(createToken);

        // Act
        var result = await Store.UpdateAsync(TestRegistrations.Updated(original, "stamp-2"), original.ConcurrencyStamp, createToken, CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(StoreWriteResult.RequestTokenReplayed));
        var found = await Store.FindByClientIdAsync(original.ClientId, CancellationToken.None);
        Assert.That(found!.ConcurrencyStamp, Is.EqualTo(original.ConcurrencyStamp));
    }

    [Test]
    public async Task UpdateAsync_ConcurrentWithSameStamp_ExactlyOneSucceedsAndItsWriteIsKept()
    {
        // Arrange
        const int Writers = 8;
        var original = await CreateStoredAsync();
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var stamp = $"stamp-from-writer-{i}";
            var result = await Store.UpdateAsync(TestRegistrations.Updated(original, stamp, scope: $"scope-{i}"), original.ConcurrencyStamp, TestRegistrations.Token(), CancellationToken.None);
            return (Result: result, Stamp: stamp, Scope: $"scope-{i}");
        })).ToArray();

        // Act
        start.Set();
        var outcomes = await Task.WhenAll(writers);

        // Assert
        var winners = outcomes.Where(o => o.Result == StoreWriteResult.Success).ToList();
        Assert.That(winners, Has.Count.EqualTo(1), string.Join(", ", outcomes.Select(o => o.Result)));
        Assert.That(outcomes.Count(o => o.Result == StoreWriteResult.ConcurrencyConflict), Is.EqualTo(Writers - 1));
        var found = await Store.FindByClientIdAsync(original.ClientId, CancellationToken.None);
        Assert.That(found!.ConcurrencyStamp, Is.EqualTo(winners[0].Stamp));
        Assert.That(found.Metadata.Scope, Is.EqualTo(winners[0].Scope));
        Assert.That(await CountRowsAsync(), Is.EqualTo((1, 2)));
    }

    private async Task<ClientRegistration> CreateStoredAsync(UsedRequestToken? token = null)
    {
        var registration = TestRegistrations.Create();
        var result = await Store.CreateAsync(registration, token ?? TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None);
        Assert.That(result, Is.EqualTo(StoreWriteResult.Success));
        return registration;
    }
}
