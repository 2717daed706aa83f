{
  "targets": [
    {
      "target_name": "dss_native",
      "sources": ["libs/keystore/native/ecdsa_digest.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
