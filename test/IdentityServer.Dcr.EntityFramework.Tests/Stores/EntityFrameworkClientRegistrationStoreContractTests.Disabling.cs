// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

/// <summary>
/// Disabling and enabling a client on each provider: the state is stored with a new concurrency stamp (an update read
/// before it conflicts), the first disable time is kept, each change leaves an audit entry naming the operator, and an
/// unknown client is reported as such.
/// </summary>
public abstract partial class EntityFrameworkClientRegistrationStoreContractTests
{
    [Test]
    public async Task SetDisabled_DisableThenEnable_StateStampAndAuditFollow()
    {
        // Arrange
        var registration = TestRegistrations.Create();
        Assert.That(await Store.CreateAsync(registration, TestRegistrations.Token(), requireUniqueSoftware: false, CancellationToken.None), Is.EqualTo(StoreWriteResult.Success));

        // Act
        StoreWriteResult disable, disableAgain;
        using (DcrAuditActor.Begin("operator:alice"))
        {
            disable = await Store.SetDisabledAsync(registration.ClientId, disabled: true, CancellationToken.None);
        }

        var disabled = await Store.FindByClientIdAsync(registration.ClientId, CancellationToken.None);
        disableAgain = await Store.SetDisabledAsync(registration.ClientId, disabled: true, CancellationToken.None);
        var disabledAgain = await Store.FindByClientIdAsync(registration.ClientId, CancellationToken.None);
        var staleUpdate = await Store.UpdateAsync(TestRegistrations.Updated(registration, "stamp-stale"), registration.ConcurrencyStamp, TestRegistrations.Token(), CancellationToken.None);
        var enable = await Store.SetDisabledAsync(registration.ClientId, disabled: false, CancellationToken.None);
        var enabled = await Store.FindByClientIdAsync(registration.ClientId, CancellationToken.None);

        // Assert
        var entries = await Services.GetRequiredService<IDcrAuditStore>().FindAsync(new DcrAuditQuery { ClientId = registration.ClientId }, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(new[] { disable, disableAgain, enable }, Is.All.EqualTo(StoreWriteResult.Success));
            Assert.That(disabled!.IsDisabled, Is.True);
            Assert.That(disabled.ConcurrencyStamp, Is.Not.EqualTo(registration.ConcurrencyStamp), "a new stamp");
            Assert.That(disabled.Metadata.RedirectUris, Is.EqualTo(registration.Metadata.RedirectUris), "the registration is kept");
            Assert.That(disabledAgain!.DisabledAt, Is.EqualTo(disabled.DisabledAt), "disabling again keeps the first time");
            Assert.That(staleUpdate, Is.EqualTo(StoreWriteResult.ConcurrencyConflict), "an update read before the disable conflicts");
            Assert.That(enabled!.IsDisabled, Is.False);
            Assert.That(entries.Select(e => e.Operation), Is.EqualTo(new[] { "enable", "disable", "disable", "create" }), "newest first");
            Assert.That(entries.Select(e => e.Actor), Is.EqualTo(new[] { null, null, "operator:alice", null }));
            Assert.That(entries[3].SoftwareId, Is.EqualTo(registration.SoftwareId));
        });
    }

    [Test]
    public async Task SetDisabled_UnknownClient_NotFoundAndNothingWritten()
    {
        var result = await Store.SetDisabledAsync("no-such-client", disabled: true, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(result, Is.EqualTo(StoreWriteResult.NotFound));
            Assert.That(await Services.GetRequiredService<IDcrAuditStore>().FindAsync(new DcrAuditQuery { ClientId = "no-such-client" }, CancellationToken.None), Is.Empty);
            Assert.That(DcrAuditActor.Current, Is.Null, "no actor outside a scope");
        });
    }
}
