// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

/// <summary>Host names of client-supplied URLs.</summary>
internal static class UriHosts
{
    /// <summary>
    /// The IDNA (punycode) form of <paramref name="uri"/>'s host. <see cref="Uri.IdnHost"/> throws
    /// <see cref="UriFormatException"/> for some hosts <see cref="Uri.TryCreate(string, UriKind, out Uri)"/> accepted
    /// (a zero-width joiner, for example): those give <see langword="false"/>.
    /// </summary>
    public static bool TryGetIdnHost(Uri uri, out string host)
    {
        try
        {
            host = uri.IdnHost;
            return true;
        }
        catch (UriFormatException)
        {
            host = string.Empty;
            return false;
        }
    }
}
