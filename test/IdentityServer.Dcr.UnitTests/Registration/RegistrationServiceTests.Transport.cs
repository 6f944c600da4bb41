// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.UnitTests.Registration;

public sealed partial class RegistrationServiceTests
{
    [Test]
    public async Task RegisterAsync_NoTransportCertificate_IsRejected()
    {
        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(_fixture.Claims()), noCertificate: true);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.CertificateMissing));
        });
    }

    [Test]
    public async Task RegisterAsync_CertificateFromUntrustedCa_IsRejected()
    {
        // Arrange
        using var rogueCa = new Testing.TestPki("Rogue CA");
        using var certificate = rogueCa.IssueClientCertificate(_fixture.Tpp.LegacyTransportSubject());

        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(_fixture.Claims()), certificate: certificate);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.CertificateNotTrusted("PartialChain")));
            Assert.That(_fixture.Store.Registrations, Is.Empty);
        });
    }

    [TestCase(Testing.TestPki.ServerAuthentication)]
    [TestCase("0.4.0.19495.3.1")]
    [TestCase(null)]
    public async Task RegisterAsync_CertificateWithoutClientAuthenticationUsage_IsRejected(string? usage)
    {
        // Arrange: the trusted CA, the TPP's own subject, but a server (or OB signing, or no stated) usage.
        using var certificate = _fixture.Pki.IssueCertificateWithUsages(_fixture.Tpp.LegacyTransportSubject(), usage is null ? null : [usage]);

        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(_fixture.Claims()), certificate: certificate);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.CertificateNotForClientAuthentication));
            Assert.That(_fixture.Store.Registrations, Is.Empty);
        });
    }

    [Test]
    public async Task RegisterAsync_ServerCertificateWhenUsageCheckIsOff_IsRegistered()
    {
        // Arrange: the option exists for a bank whose CA issues transport certificates without the extension.
        using var fixture = new RegistrationServiceFixture(o => o.Transport.RequireClientAuthenticationUsage = false);
        using var certificate = fixture.Pki.IssueCertificateWithUsages(fixture.Tpp.LegacyTransportSubject(), null);

        // Act
        var result = await fixture.RegisterAsync(fixture.Tpp.Sign(fixture.Claims()), certificate: certificate);

        // Assert
        Assert.That(result.Succeeded, Is.True, result.Error?.ErrorDescription);
    }

    [Test]
    public async Task RegisterAsync_ExpiredCertificate_IsRejected()
    {
        // Arrange
        using var certificate = _fixture.Pki.IssueClientCertificate(_fixture.Tpp.LegacyTransportSubject(),
            DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));

        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(_fixture.Claims()), certificate: certificate);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.CertificateNotTrusted("NotTimeValid")));
        });
    }

    [Test]
    public async Task RegisterAsync_CertificateOfAnotherTpp_IsUnapproved()
    {
        // Arrange
        using var certificate = _fixture.Pki.IssueClientCertificate(new X500DistinguishedName("CN=OtherSoftware, OU=0015800001OTHER, O=OpenBanking, C=GB"));

        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(_fixture.Claims()), certificate: certificate);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(DcrErrors.UnapprovedSoftwareStatement));
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.CertificateNotOfSoftwareStatement));
        });
    }

    [Test]
    public async Task RegisterAsync_ObwacCertificateWithOrganizationIdentifier_IsAccepted()
    {
        // Arrange
        using var certificate = _fixture.Pki.IssueClientCertificate(_fixture.Tpp.ObwacSubject());

        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(_fixture.Claims()), certificate: certificate);

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
    }
}
