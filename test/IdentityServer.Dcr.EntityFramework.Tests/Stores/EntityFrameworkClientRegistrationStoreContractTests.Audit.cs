// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

/// <summary>
/// The audit trail on each provider: a create, update and delete each leave one entry written in their own transaction
/// (so a write that fails leaves none), refused attempts are recorded, queries by software, organisation and client
/// come newest first, and the retention purge removes what is older.
/// </summary>
public abstract partial class EntityFrameworkClientRegistrationStoreContractTests
{
    private IDcrAuditStore Audit => Services.GetRequiredService<IDcrAuditStore>();

    [Test]
    public async Task Audit_CreateUpdateDelete_OneSuccessEntryEachWithTheirIdentifiers()
    {
        // Arrange
        var registration = TestRegistrations.Create();
        var createJti = TestRegistrations.Token();
        var updateJti = TestRegistrations.Token();

        // Act
        Assert.That(await Store.CreateAsync(registration, createJti, requireUniqueSoftware: false, CancellationToken.None), Is.EqualTo(StoreWriteResult.Success));
        var updated = TestRegistrations.Updated(registration, "stamp-2");
        Assert.That(await Store.UpdateAsync(updated, registration.ConcurrencyStamp, updateJti, CancellationToken.None), Is.EqualTo(StoreWriteResult.Success));
        Assert.That(await Store.DeleteAsync(registration.ClientId, CancellationToken.None), Is.True);

        // Assert
        var entries = await Audit.FindAsync(new DcrAuditQuery { ClientId = registration.ClientId }, CancellationToken.None);
        Assert.That(entries.Select(e => e.Operation), Is.EqualTo(new[] { "delete", "update", "create" }), "newest first");
        var create = entries[2];
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Outcome), Is.All.EqualTo("success"));
            Assert.That(entries.Select(e => e.SoftwareId), Is.All.EqualTo(registration.SoftwareId));
            Assert.That(entries.Select(e => e.OrganisationId), Is.All.EqualTo(registration.OrganisationId));
            Assert.That(create.SoftwareStatementIssuer, Is.EqualTo("OpenBanking Ltd"));
            Assert.That(create.RequestJti, Is.EqualTo(createJti.Jti));
            Assert.That(entries[1].RequestJti, Is.EqualTo(updateJti.Jti));
            Assert.That(entries[0].RequestJti, Is.Null);
            Assert.That(create.CertificateThumbprint, Is.EqualTo(registration.TransportCertificate!.Thumbprint));
            Assert.That(create.CertificateSubject, Is.EqualTo(registration.TransportCertificate.Subject));
            Assert.That(entries[0].CertificateThumbprint, Is.EqualTo(registration.TransportCertificate.Thumbprint), "a delete names the registration's certificate");
        });
    }

    [Test]
    public async Task Audit_WriteThatFails_LeavesNoEntry()
    {
        // Arrange: the second create replays the first one's jti, so its transaction rolls back.
        var token = TestRegistrations.Token();
        await Store.CreateAsync(TestRegistrations.Create(), token, requireUniqueSoftware: false, CancellationToken.None);
        var replay = TestRegistrations.Create();

        // Act
        var result = await Store.CreateAsync(replay, token, requireUniqueSoftware: false, CancellationToken.None);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(result, Is.EqualTo(StoreWriteResult.RequestTokenReplayed));
            Assert.That(await Audit.FindAsync(new DcrAuditQuery { ClientId = replay.ClientId }, CancellationToken.None), Is.Empty);
        });
    }

    [Test]
    public async Task Audit_RefusedAttempts_RecordedAndFoundBySoftwareAndOrganisation()
    {
        // Arrange
        var at = DateTimeOffset.UtcNow;
        await Audit.RecordAsync(Refused("software-a", "org-1", "invalid_software_statement", at.AddMinutes(-2)), CancellationToken.None);
        await Audit.RecordAsync(Refused("software-b", "org-1", "invalid_client_metadata", at.AddMinutes(-1)), CancellationToken.None);
        await Audit.RecordAsync(Refused("software-a", "org-2", "unapproved_software_statement", at), CancellationToken.None);

        // Act
        var bySoftware = await Audit.FindAsync(new DcrAuditQuery { SoftwareId = "software-a" }, CancellationToken.None);
        var byOrganisation = await Audit.FindAsync(new DcrAuditQuery { OrganisationId = "org-1" }, CancellationToken.None);
        var latest = await Audit.FindAsync(new DcrAuditQuery { OrganisationId = "org-1", Limit = 1 }, CancellationToken.None);
        var recent = await Audit.FindAsync(new DcrAuditQuery { SoftwareId = "software-a", From = at.AddSeconds(-30) }, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(bySoftware.Select(e => e.ErrorCode), Is.EqualTo(new[] { "unapproved_software_statement", "invalid_software_statement" }));
            Assert.That(byOrganisation.Select(e => e.SoftwareId), Is.EqualTo(new[] { "software-b", "software-a" }));
            Assert.That(latest.Single().ErrorCode, Is.EqualTo("invalid_client_metadata"));
            Assert.That(recent.Single().OrganisationId, Is.EqualTo("org-2"));
            Assert.That(bySoftware.Select(e => e.Outcome), Is.All.EqualTo("rejected"));
        });
    }

    [Test]
    public async Task Audit_Purge_RemovesOnlyEntriesOlderThanTheCutOff()
    {
        // Arrange
        var now = DateTimeOffset.UtcNow;
        await Audit.RecordAsync(Refused("software-p", "org-p", "invalid_client_metadata", now.AddDays(-800)), CancellationToken.None);
        await Audit.RecordAsync(Refused("software-p", "org-p", "invalid_client_metadata", now.AddDays(-10)), CancellationToken.None);

        // Act
        var purged = await Audit.PurgeAsync(now.AddDays(-730), CancellationToken.None);

        // Assert
        var left = await Audit.FindAsync(new DcrAuditQuery { SoftwareId = "software-p" }, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(purged, Is.EqualTo(1));
            Assert.That(left.Single().OccurredAt, Is.GreaterThan(now.AddDays(-11)));
        });
    }

    private static DcrAuditRecord Refused(string softwareId, string organisationId, string error, DateTimeOffset at) => new()
    {
        OccurredAt = at,
        Operation = DcrAuditOperations.Create,
        Outcome = DcrAuditOutcomes.Rejected,
        ErrorCode = error,
        SoftwareId = softwareId,
        OrganisationId = organisationId,
        CertificateThumbprint = new string('B', 64),
        CertificateSubject = "CN=" + softwareId,
    };
}
