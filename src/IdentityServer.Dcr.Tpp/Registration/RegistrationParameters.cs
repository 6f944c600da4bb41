// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Registration;

/// <summary>The metadata of one registration request (POST or PUT), before the JWT claims are added.</summary>
internal sealed record RegistrationParameters
{
    public required string SoftwareId { get; init; }

    public required string Audience { get; init; }

    public required string SoftwareStatement { get; init; }

    /// <summary><c>private_key_jwt</c> (default) or <c>tls_client_auth</c>; the secret-based methods are not FAPI compliant.</summary>
    public required string TokenEndpointAuthMethod { get; init; }

    /// <summary><c>token_endpoint_auth_signing_alg</c>: sent with <c>private_key_jwt</c> only.</summary>
    public string? TokenEndpointAuthSigningAlg { get; init; }

    /// <summary><c>tls_client_auth_subject_dn</c>: sent with <c>tls_client_auth</c> only.</summary>
    public string? TlsClientAuthSubjectDn { get; init; }

    public required IReadOnlyList<string> RedirectUris { get; init; }

    public required IReadOnlyList<string> GrantTypes { get; init; }

    /// <summary>Sent only with the <c>authorization_code</c> grant.</summary>
    public IReadOnlyList<string> ResponseTypes { get; init; } = ["code id_token"];

    public string? Scope { get; init; }

    public string ApplicationType { get; init; } = "web";

    public string IdTokenSignedResponseAlg { get; init; } = "PS256";

    public string RequestObjectSigningAlg { get; init; } = "PS256";

    /// <summary>The registered client's id: set for an update (PUT), where RFC 7592 §2.2 requires it in the body.</summary>
    public string? ClientId { get; init; }

    /// <summary>How long the request is valid: <c>exp</c> = <c>iat</c> + this.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(5);
}
