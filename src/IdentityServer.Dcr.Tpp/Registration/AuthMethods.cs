// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Registration;

/// <summary>The <c>token_endpoint_auth_method</c> values the tool can register and use.</summary>
internal static class AuthMethods
{
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string TlsClientAuth = "tls_client_auth";
    public const string ClientSecretBasic = "client_secret_basic";
    public const string ClientSecretPost = "client_secret_post";

    public static string Normalise(string value) => value switch
    {
        PrivateKeyJwt or TlsClientAuth or ClientSecretBasic or ClientSecretPost => value,
        _ => throw new TppException(
            $"unsupported --auth-method '{value}': use private_key_jwt or tls_client_auth (client_secret_basic "
            + $"and client_secret_post only for a client the bank gave a secret)."),
    };
}
