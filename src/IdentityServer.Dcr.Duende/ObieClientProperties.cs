// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Duende;

/// <summary>
/// Keys of <c>Duende.IdentityServer.Models.Client.Properties</c> that the OBIE validator writes on every registered
/// client, so that token endpoint authentication can enforce what was registered.
/// </summary>
public static class ObieClientProperties
{
    /// <summary>The registered <c>token_endpoint_auth_method</c>. Its presence marks a client as registered through OBIE DCR.</summary>
    public const string TokenEndpointAuthMethod = "obie_token_endpoint_auth_method";

    /// <summary>The registered <c>token_endpoint_auth_signing_alg</c> (<c>private_key_jwt</c> only).</summary>
    public const string TokenEndpointAuthSigningAlg = "obie_token_endpoint_auth_signing_alg";

    /// <summary>The registered <c>request_object_signing_alg</c>, when the client registered one: request objects must use it.</summary>
    public const string RequestObjectSigningAlg = "obie_request_object_signing_alg";

    /// <summary>The software statement's <c>software_id</c>.</summary>
    public const string SoftwareId = "obie_software_id";

    /// <summary>The software statement's <c>org_id</c>.</summary>
    public const string OrganisationId = "obie_org_id";
}
