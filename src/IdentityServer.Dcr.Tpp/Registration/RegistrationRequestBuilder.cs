// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Keys;

namespace IdentityServer.Dcr.Tpp.Registration;

/// <summary>
/// Builds the claims of an OBIE registration request (DCR 3.3, OBClientRegistrationRequest1) and signs them with
/// the software key: <c>iss</c> = software_id, <c>aud</c>, <c>iat</c>, <c>exp</c>, a UUIDv4 <c>jti</c>, and the
/// client metadata of the data dictionary.
/// </summary>
internal static class RegistrationRequestBuilder
{
    public static JsonObject BuildClaims(RegistrationParameters parameters, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var iat = now.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = parameters.SoftwareId,
            ["aud"] = parameters.Audience,
            ["iat"] = iat,
            ["exp"] = iat + (long)parameters.Lifetime.TotalSeconds,
            ["jti"] = Guid.NewGuid().ToString(),
        };
        if (parameters.ClientId is not null)
        {
            claims["client_id"] = parameters.ClientId;
        }

        claims["software_id"] = parameters.SoftwareId;
        claims["software_statement"] = parameters.SoftwareStatement;
        claims["redirect_uris"] = Array(parameters.RedirectUris);
        claims["token_endpoint_auth_method"] = parameters.TokenEndpointAuthMethod;
        if (parameters.TokenEndpointAuthMethod == AuthMethods.PrivateKeyJwt && parameters.TokenEndpointAuthSigningAlg is not null)
        {
            claims["token_endpoint_auth_signing_alg"] = parameters.TokenEndpointAuthSigningAlg;
        }

        if (parameters.TokenEndpointAuthMethod == AuthMethods.TlsClientAuth && parameters.TlsClientAuthSubjectDn is not null)
        {
            claims["tls_client_auth_subject_dn"] = parameters.TlsClientAuthSubjectDn;
        }

        claims["grant_types"] = Array(parameters.GrantTypes);
        if (parameters.GrantTypes.Contains("authorization_code") && parameters.ResponseTypes.Count > 0)
        {
            claims["response_types"] = Array(parameters.ResponseTypes);
        }

        if (!string.IsNullOrWhiteSpace(parameters.Scope))
        {
            claims["scope"] = parameters.Scope;
        }

        claims["application_type"] = parameters.ApplicationType;
        claims["id_token_signed_response_alg"] = parameters.IdTokenSignedResponseAlg;
        claims["request_object_signing_alg"] = parameters.RequestObjectSigningAlg;
        return claims;
    }

    public static string BuildSigned(RegistrationParameters parameters, SoftwareKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Sign(BuildClaims(parameters, now));
    }

    private static JsonArray Array(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }
}
