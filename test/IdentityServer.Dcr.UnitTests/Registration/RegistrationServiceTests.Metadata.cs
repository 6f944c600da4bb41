// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;

namespace IdentityServer.Dcr.UnitTests.Registration;

public sealed partial class RegistrationServiceTests
{
    private const string InvalidRedirect = DcrErrors.InvalidRedirectUri;

    public static IEnumerable<RejectionCase> MetadataCases()
    {
        yield return new("software_id differs", null, c => c["software_id"] = "Different", InvalidMetadata,
            "The request's software_id must match the software statement's software_id.");
        yield return new("grant_types missing", null, c => c.Remove("grant_types"), InvalidMetadata,
            "The request has no grant_types.");
        yield return new("grant_types a string", null, c => c["grant_types"] = "client_credentials", InvalidMetadata,
            "The request's grant_types is not an array of strings.");
        yield return new("grant_types unknown", null, c => c["grant_types"] = new JsonArray("password"), InvalidMetadata,
            "The grant_types value 'password' is not supported; supported: authorization_code, client_credentials, refresh_token.");
        yield return new("grant_types implicit", null, c => c["grant_types"] = new JsonArray("authorization_code", "implicit"), InvalidMetadata,
            "The grant_types value 'implicit' is not supported; supported: authorization_code, client_credentials, refresh_token.");
        yield return new("response_types token", null, c => c["response_types"] = new JsonArray("token"), InvalidMetadata,
            "The response_types value 'token' is not supported; supported: code, code id_token.");
        yield return new("response_types without code grant", null, c => c["grant_types"] = new JsonArray("client_credentials"), InvalidMetadata,
            "response_types are only allowed with the authorization_code grant type.");
        yield return new("redirect http", null, c => c["redirect_uris"] = new JsonArray("http://tpp.example.com/callback"), InvalidRedirect,
            "The redirect URI 'http://tpp.example.com/callback' is not an absolute https URL.");
        yield return new("redirect localhost", null, c => c["redirect_uris"] = new JsonArray("https://localhost/callback"), InvalidRedirect,
            "The redirect URI 'https://localhost/callback' names localhost or a loopback address.");
        yield return new("redirect 127.0.0.1", null, c => c["redirect_uris"] = new JsonArray("https://127.0.0.1:8443/callback"), InvalidRedirect,
            "The redirect URI 'https://127.0.0.1:8443/callback' names localhost or a loopback address.");
        yield return new("redirect not in SSA", null, c => c["redirect_uris"] = new JsonArray("https://evil.example.com/callback"), InvalidRedirect,
            "The redirect URI 'https://evil.example.com/callback' is not one of the software statement's software_redirect_uris.");
        yield return new("redirect with fragment", null, c => c["redirect_uris"] = new JsonArray("https://tpp.example.com/callback#x"), InvalidRedirect,
            "The redirect URI 'https://tpp.example.com/callback#x' has a fragment.");
        yield return new("redirect relative", null, c => c["redirect_uris"] = new JsonArray("/callback"), InvalidRedirect,
            "The redirect URI '/callback' is not an absolute https URL.");
        yield return new("redirect too long", null, c => c["redirect_uris"] = new JsonArray("https://tpp.example.com/" + new string('a', 260)), InvalidRedirect,
            "The redirect URI 'https://tpp.example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…' is longer than 256 characters.");
        yield return new("redirect not array", null, c => c["redirect_uris"] = "https://tpp.example.com/callback", InvalidRedirect,
            "The request's redirect_uris is not an array of strings.");
        yield return new("redirect empty with code grant", null, c => c["redirect_uris"] = new JsonArray(), InvalidRedirect,
            "At least one valid redirect URI listed in the software statement is required for the authorization_code grant type.");
        yield return new("auth method missing", null, c => c.Remove("token_endpoint_auth_method"), InvalidMetadata,
            "The request has no token_endpoint_auth_method.");
        yield return new("auth method client_secret_basic (not enabled)", null, c => c["token_endpoint_auth_method"] = "client_secret_basic", InvalidMetadata,
            "The token_endpoint_auth_method 'client_secret_basic' is not supported; supported: private_key_jwt, tls_client_auth.");
        yield return new("auth method unknown", null, c => c["token_endpoint_auth_method"] = "none", InvalidMetadata,
            "The token_endpoint_auth_method 'none' is not supported; supported: private_key_jwt, tls_client_auth.");
        yield return new("private_key_jwt without alg", null, c => c.Remove("token_endpoint_auth_signing_alg"), InvalidMetadata,
            "token_endpoint_auth_signing_alg is required for private_key_jwt.");
        yield return new("private_key_jwt with RS256", null, c => c["token_endpoint_auth_signing_alg"] = "RS256", InvalidMetadata,
            "The token_endpoint_auth_signing_alg 'RS256' is not supported; supported: PS256, ES256.");
        yield return new("subject DN with private_key_jwt", null, c => c["tls_client_auth_subject_dn"] = "CN=x", InvalidMetadata,
            "tls_client_auth_subject_dn may only be sent with token_endpoint_auth_method tls_client_auth.");
        yield return new("tls_client_auth without DN", null, c => c["token_endpoint_auth_method"] = "tls_client_auth", InvalidMetadata,
            "tls_client_auth_subject_dn is required for tls_client_auth.");
        yield return new("tls_client_auth with unparseable DN", null, c => { c["token_endpoint_auth_method"] = "tls_client_auth"; c["tls_client_auth_subject_dn"] = "not a dn"; }, InvalidMetadata,
            "tls_client_auth_subject_dn is not a distinguished name (RFC 4514).");
        yield return new("tls_client_auth with DN of another certificate", null, c => { c["token_endpoint_auth_method"] = "tls_client_auth"; c["tls_client_auth_subject_dn"] = "CN=someone,OU=else,O=OpenBanking,C=GB"; }, InvalidMetadata,
            "tls_client_auth_subject_dn does not name the transport certificate presented with this request.");
        yield return new("tls_client_auth with DN over 128 characters", null, c => { c["token_endpoint_auth_method"] = "tls_client_auth"; c["tls_client_auth_subject_dn"] = "CN=" + new string('a', 130); }, InvalidMetadata,
            "tls_client_auth_subject_dn is longer than 128 characters.");
        yield return new("scope beyond roles", null, c => c["scope"] = "openid accounts fundsconfirmations", InvalidMetadata,
            "The scope value 'fundsconfirmations' is not permitted for this software's roles; supported: openid, accounts, payments.");
        yield return new("scope not a string", null, c => c["scope"] = new JsonArray("openid"), InvalidMetadata,
            "The request's scope is not a space-separated string.");
        yield return new("application_type native in 3.3", null, c => c["application_type"] = "native", InvalidMetadata,
            "The application_type 'native' is not supported; supported: web, mobile.");
        yield return new("id_token alg RS256", null, c => c["id_token_signed_response_alg"] = "RS256", InvalidMetadata,
            "The id_token_signed_response_alg 'RS256' is not supported; supported: PS256, ES256.");
        yield return new("id_token alg none", null, c => c["id_token_signed_response_alg"] = "none", InvalidMetadata,
            "The id_token_signed_response_alg 'none' is not supported; supported: PS256, ES256.");
        yield return new("request object alg HS256", null, c => c["request_object_signing_alg"] = "HS256", InvalidMetadata,
            "The request_object_signing_alg 'HS256' is not supported; supported: PS256, ES256.");
        yield return new("CIBA claim without CIBA grant", null, c => c["backchannel_token_delivery_mode"] = "poll", InvalidMetadata,
            "backchannel_* metadata may only be sent with the urn:openid:params:grant-type:ciba grant type.");
        yield return new("CIBA grant not supported by bank", null, c => c["grant_types"] = new JsonArray("urn:openid:params:grant-type:ciba"), InvalidMetadata,
            "The grant_types value 'urn:openid:params:grant-type:ciba' is not supported; supported: authorization_code, client_credentials, refresh_token.");
    }

    [TestCaseSource(nameof(MetadataCases))]
    public Task RegisterAsync_InvalidMetadata_IsRejected(RejectionCase testCase) => AssertRejectedAsync(testCase);

    [Test]
    public async Task RegisterAsync_TlsClientAuthWithReorderedDnOfPresentedCertificate_Succeeds()
    {
        // Arrange: the certificate is "CN=software, OU=org, O=OpenBanking, C=GB"; the TPP writes it in the other order.
        var dn = $"C=GB,O=OpenBanking,OU={_fixture.Tpp.OrganisationId},CN={_fixture.Tpp.SoftwareId}";

        // Act
        var result = await _fixture.RegisterAsync(modifyRequest: c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = dn;
        });

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
        Assert.That(result.Value!["tls_client_auth_subject_dn"]!.GetValue<string>(), Is.EqualTo(dn));
    }

    [Test]
    public async Task RegisterAsync_OmittedOptionalMetadata_GetsDefaults()
    {
        // Act
        var result = await _fixture.RegisterAsync(modifyRequest: c =>
        {
            c.Remove("scope");
            c.Remove("response_types");
            c.Remove("redirect_uris");
            c.Remove("application_type");
            c.Remove("id_token_signed_response_alg");
        });

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
        var body = result.Value!;
        Assert.Multiple(() =>
        {
            Assert.That(body["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts payments"));
            Assert.That(body["response_types"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "code id_token" }));
            Assert.That(body["redirect_uris"]!.AsArray().Count, Is.EqualTo(2), "all of the SSA's redirect URIs");
            Assert.That(body["application_type"]!.GetValue<string>(), Is.EqualTo("web"));
            Assert.That(body["id_token_signed_response_alg"]!.GetValue<string>(), Is.EqualTo("PS256"));
        });
    }

    [Test]
    public async Task RegisterAsync_SubstitutionPolicy_RegistersSupportedValuesAndEchoesThem()
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(o => o.Registration.UnsupportedValues = UnsupportedValueHandling.Substitute);

        // Act
        var result = await fixture.RegisterAsync(modifyRequest: c =>
        {
            c["id_token_signed_response_alg"] = "RS256";
            c["scope"] = "openid accounts fundsconfirmations";
            c["grant_types"] = new JsonArray("authorization_code", "implicit");
        });

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
        var body = result.Value!;
        Assert.Multiple(() =>
        {
            Assert.That(body["id_token_signed_response_alg"]!.GetValue<string>(), Is.EqualTo("PS256"));
            Assert.That(body["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts"));
            Assert.That(body["grant_types"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "authorization_code" }));
        });
    }

    [Test]
    public async Task RegisterAsync_Version34NativeApplication_Succeeds()
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(o => o.SpecVersion = DcrSpecVersion.Version34);

        // Act
        var result = await fixture.RegisterAsync(modifyRequest: c => c["application_type"] = "native");

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
    }

    [TestCase("poll", null, true)]
    [TestCase("ping", "https://tpp.example.com/ciba", true)]
    [TestCase("ping", null, false)]
    [TestCase("ping", "http://tpp.example.com/ciba", false)]
    [TestCase("push", "https://tpp.example.com/ciba", false)]
    public async Task RegisterAsync_CibaMetadata_FollowsDeliveryModeRules(string mode, string? endpoint, bool accepted)
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(o =>
        {
            o.Registration.GrantTypes.Add("client_credentials");
            o.Registration.GrantTypes.Add("urn:openid:params:grant-type:ciba");
        });

        // Act
        var result = await fixture.RegisterAsync(modifyRequest: c =>
        {
            c["grant_types"] = new JsonArray("client_credentials", "urn:openid:params:grant-type:ciba");
            c.Remove("response_types");
            c["backchannel_token_delivery_mode"] = mode;
            c["backchannel_authentication_request_signing_alg"] = "PS256";
            if (endpoint is not null)
            {
                c["backchannel_client_notification_endpoint"] = endpoint;
            }
        });

        // Assert
        Assert.That(result.Succeeded ? null : result.Error!.Error, Is.EqualTo(accepted ? null : InvalidMetadata), () => result.Error?.ErrorDescription ?? string.Empty);
    }
}
