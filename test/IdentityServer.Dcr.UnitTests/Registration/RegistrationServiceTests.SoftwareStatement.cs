// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.UnitTests.Registration;

public sealed partial class RegistrationServiceTests
{
    private const string InvalidSsa = DcrErrors.InvalidSoftwareStatement;
    private const string Unapproved = DcrErrors.UnapprovedSoftwareStatement;

    private static long Now(int offsetSeconds = 0) => DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds;

    public static IEnumerable<RejectionCase> SoftwareStatementCases()
    {
        yield return new("iss unknown", c => c["iss"] = "Some Other Directory", null, InvalidSsa,
            "The software statement's issuer 'Some Other Directory' is not a trust anchor of this bank.");
        yield return new("iss missing", c => c.Remove("iss"), null, InvalidSsa,
            "The software statement has no iss claim.");
        yield return new("iat missing", c => c.Remove("iat"), null, InvalidSsa,
            "The software statement has no iat claim.");
        yield return new("iat as string", c => c["iat"] = "1565863667", null, InvalidSsa,
            "The software statement's iat is not a NumericDate.");
        yield return new("iat in the future", c => c["iat"] = Now(3600), null, InvalidSsa,
            "The software statement's iat is in the future.");
        yield return new("older than max age", c => c["iat"] = Now(-3 * 3600), null, InvalidSsa,
            "The software statement was issued more than 30 minutes ago; obtain a new one.");
        yield return new("expired", c => c["exp"] = Now(-600), null, InvalidSsa,
            "The software statement has expired.");
        yield return new("not yet valid", c => c["nbf"] = Now(3600), null, InvalidSsa,
            "The software statement is not valid yet (nbf).");
        yield return new("software_id missing", c => c.Remove("software_id"), null, InvalidSsa,
            "The software statement has no software_id claim.");
        yield return new("software_id not a string", c => c["software_id"] = 42, null, InvalidSsa,
            "The software statement's software_id is not a string.");
        yield return new("org_id missing", c => c.Remove("org_id"), null, InvalidSsa,
            "The software statement has no org_id claim.");
        yield return new("software_jwks_endpoint missing", c => c.Remove("software_jwks_endpoint"), null, InvalidSsa,
            "The software statement has no software_jwks_endpoint, so the request signature cannot be verified.");
        yield return new("software_jwks_endpoint not a URL", c => c["software_jwks_endpoint"] = "not a url", null, InvalidSsa,
            "The software statement's software_jwks_endpoint contains a space.");
        yield return new("software_jwks_endpoint too long", c => c["software_jwks_endpoint"] = "https://keystore.example.com/" + new string('a', 2100), null, InvalidSsa,
            "The software statement's software_jwks_endpoint is longer than 2048 characters.");
        yield return new("software_id too long", c => c["software_id"] = new string('a', 65), null, InvalidSsa,
            "The software statement's software_id is longer than 64 characters.");
        yield return new("software_jwks_endpoint http", c => c["software_jwks_endpoint"] = "http://keystore.example.com/x.jwks", null, InvalidSsa,
            "The software statement's software_jwks_endpoint is not an absolute https URL.");
        yield return new("software_jwks_endpoint ftp", c => c["software_jwks_endpoint"] = "ftp://keystore.example.com/x.jwks", null, InvalidSsa,
            "The software statement's software_jwks_endpoint is not an absolute https URL.");
        yield return new("software_redirect_uris not an array", c => c["software_redirect_uris"] = "https://tpp.example.com/callback", null, InvalidSsa,
            "The software statement's software_redirect_uris is not an array of strings.");
        yield return new("software_roles not strings", c => c["software_roles"] = new JsonArray(1, 2), null, InvalidSsa,
            "The software statement's software_roles is not an array of strings.");
        yield return new("org_status Revoked", c => c["org_status"] = "Revoked", null, Unapproved,
            "The organisation's status is 'Revoked'; only Active organisations may register.");
        yield return new("org_status Withdrawn", c => c["org_status"] = "Withdrawn", null, Unapproved,
            "The organisation's status is 'Withdrawn'; only Active organisations may register.");
        yield return new("org_status missing", c => c.Remove("org_status"), null, Unapproved,
            "The organisation's status is '(none)'; only Active organisations may register.");
        yield return new("software_statement missing", null, c => c.Remove("software_statement"), InvalidSsa,
            "The request has no software_statement claim.");
        yield return new("software_statement not a string", null, c => c["software_statement"] = new JsonObject(), InvalidSsa,
            "The request's software_statement is not a string.");
        yield return new("software_statement not a JWS", null, c => c["software_statement"] = "abc.def", InvalidSsa,
            "The software statement is not a compact JWS (three base64url parts separated by dots).");
        yield return new("software_statement unsigned", null, c => c["software_statement"] = Unsigned(c["software_statement"]!.GetValue<string>()), InvalidSsa,
            "The software statement is unsigned (alg none is not accepted).");
        yield return new("software_statement signature tampered", null, c => c["software_statement"] = Tamper(c["software_statement"]!.GetValue<string>()), InvalidSsa,
            "The software statement's signature is not valid: the signature is invalid.");
    }

    [TestCaseSource(nameof(SoftwareStatementCases))]
    public Task RegisterAsync_InvalidSoftwareStatement_IsRejected(RejectionCase testCase) => AssertRejectedAsync(testCase);

    [Test]
    public async Task RegisterAsync_SsaSignedByUnknownKey_IsRejected()
    {
        // Arrange: an SSA with the directory's issuer name, signed by a key the bank does not trust.
        using var impostor = new Testing.TestDirectory(_fixture.Directory.Issuer);
        var claims = _fixture.Tpp.RegistrationClaims(impostor.IssueSoftwareStatement(_fixture.Tpp), RegistrationServiceFixture.Audience);

        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(claims));

        // Assert
        Assert.That(result.Error?.Error, Is.EqualTo(InvalidSsa));
    }

    [Test]
    public async Task RegisterAsync_SsaSignedByUnknownKeyReusingTrustedKid_IsRejected()
    {
        // Arrange: same kid as the trusted key, different key material.
        using var impostorKey = Testing.TestSigningKey.CreatePs256(_fixture.Directory.SigningKey.KeyId);
        using var impostor = new Testing.TestDirectory(_fixture.Directory.Issuer, impostorKey);
        var claims = _fixture.Tpp.RegistrationClaims(impostor.IssueSoftwareStatement(_fixture.Tpp), RegistrationServiceFixture.Audience);

        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(claims));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(InvalidSsa));
            Assert.That(
                result.Error?.ErrorDescription,
                Is.EqualTo(DcrErrorDescriptions.SoftwareStatementSignatureInvalid("the signature is invalid")));
        });
    }

    [TestCase("Test", true)]
    [TestCase("Live", false)]
    public async Task RegisterAsync_SoftwareModePolicy_AppliesAllowList(string mode, bool allowed)
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(o => o.SoftwareStatement.AllowedSoftwareModes.Add("test"));

        // Act
        var result = await fixture.RegisterAsync(c => c["software_mode"] = mode);

        // Assert
        Assert.That(result.Succeeded ? null : result.Error!.Error, Is.EqualTo(allowed ? null : Unapproved));
    }

    [Test]
    public async Task RegisterAsync_DeniedOrganisation_IsUnapproved()
    {
        // Arrange
        using var denying = new RegistrationServiceFixture(o => o.SoftwareStatement.DeniedOrganisationIds.Add("0015800001DENIED"));

        // Act
        var result = await denying.RegisterAsync(c => c["org_id"] = "0015800001DENIED");

        // Assert
        Assert.That(result.Error?.Error, Is.EqualTo(Unapproved));
    }

    [Test]
    public async Task RegisterAsync_SoftwareNotInAllowList_IsUnapproved()
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(o => o.SoftwareStatement.AllowedSoftwareIds.Add("OnlyThisOne"));

        // Act
        var result = await fixture.RegisterAsync();

        // Assert
        Assert.That(result.Error?.Error, Is.EqualTo(Unapproved));
    }

    private static string Unsigned(string jws)
    {
        var parts = jws.Split('.');
        var header = Convert.ToBase64String("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return header + "." + parts[1] + ".";
    }

    private static string Tamper(string jws)
    {
        var parts = jws.Split('.');
        var signature = parts[2].ToCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        return parts[0] + "." + parts[1] + "." + new string(signature);
    }
}
