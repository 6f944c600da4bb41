// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.UnitTests.Registration;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.UnitTests.Validation;

/// <summary>
/// <see cref="TransportCertificateValidator.ValidateChainAsync"/> checks a certificate object once per
/// <see cref="TransportOptions.RevocationCacheDuration"/>: a kept-open connection's certificate is not rebuilt into a
/// chain for every token request, and nothing else is spared a check.
/// </summary>
[TestFixture]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class TransportChainVerdictTests : IDisposable
{
    private const string SubjectDn = "CN=SoftwareA, OU=0015800001OrgA, O=OpenBanking, C=GB";
    private readonly RegistrationServiceFixture _fixture = new();
    private readonly CountingValidator _validator;

    public TransportChainVerdictTests()
        => _validator = new CountingValidator(_fixture.Services.GetRequiredService<IOptionsMonitor<DcrOptions>>(), _fixture.Time);

    public void Dispose() => _fixture.Dispose();

    [Test]
    public async Task ValidateChainAsync_SameObjectAgain_PassesWithoutAnotherChainBuild()
    {
        // Arrange
        using var certificate = _fixture.Pki.IssueClientCertificate(new X500DistinguishedName(SubjectDn));

        // Act
        var first = await _validator.ValidateChainAsync(certificate, CancellationToken.None);
        var second = await _validator.ValidateChainAsync(certificate, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first.Succeeded && second.Succeeded, Is.True);
            Assert.That(_validator.Builds, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ValidateChainAsync_SameCertificateAsAnotherObject_IsCheckedAgain()
    {
        // Arrange: a certificate from a proxy header is a new object per request.
        using var certificate = _fixture.Pki.IssueClientCertificate(new X500DistinguishedName(SubjectDn));
        using var copy = X509CertificateLoader.LoadCertificate(certificate.RawData);

        // Act
        await _validator.ValidateChainAsync(certificate, CancellationToken.None);
        await _validator.ValidateChainAsync(copy, CancellationToken.None);

        // Assert
        Assert.That(_validator.Builds, Is.EqualTo(2));
    }

    [Test]
    public async Task ValidateChainAsync_AfterTheRevocationCacheDuration_IsCheckedAgain()
    {
        // Arrange
        using var certificate = _fixture.Pki.IssueClientCertificate(new X500DistinguishedName(SubjectDn));
        await _validator.ValidateChainAsync(certificate, CancellationToken.None);

        // Act
        _fixture.Time.Advance(new DcrOptions().Transport.RevocationCacheDuration + TimeSpan.FromSeconds(1));
        await _validator.ValidateChainAsync(certificate, CancellationToken.None);

        // Assert
        Assert.That(_validator.Builds, Is.EqualTo(2));
    }

    [Test]
    public async Task ValidateChainAsync_UntrustedCertificate_RefusedEveryTime()
    {
        // Arrange
        using var rogue = new TestPki("Rogue CA");
        using var certificate = rogue.IssueClientCertificate(new X500DistinguishedName(SubjectDn));

        // Act
        var first = await _validator.ValidateChainAsync(certificate, CancellationToken.None);
        var second = await _validator.ValidateChainAsync(certificate, CancellationToken.None);

        // Assert: a refusal is never kept, so it is logged and explained each time.
        Assert.Multiple(() =>
        {
            Assert.That(first.Succeeded || second.Succeeded, Is.False);
            Assert.That(_validator.Builds, Is.EqualTo(2));
        });
    }

    private sealed class CountingValidator(IOptionsMonitor<DcrOptions> options, TimeProvider time)
        : TransportCertificateValidator(options, time, NullLogger<TransportCertificateValidator>.Instance)
    {
        public int Builds { get; private set; }

        protected override DcrStepResult ValidateChain(X509Certificate2 certificate, TransportOptions options)
        {
            Builds++;
            return base.ValidateChain(certificate, options);
        }
    }
}
