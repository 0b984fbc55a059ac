{
  "targets": [
    {
      "target_name": "rxtrain_blas",
      "sources": ["native/rxtrain_blas.cc"],
      "cflags_cc": ["-O3", "-ffp-contract=off", "-fno-math-errno", "<!@(node native/find-blas.cjs cflags)"],
      "libraries": ["<!@(node native/find-blas.cjs libs)"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno", "<!@(node native/find-blas.cjs cflags)"],
        "OTHER_LDFLAGS": ["<!@(node native/find-blas.cjs libs)"]
      },
      "conditions": [["OS=='linux'", { "libraries": ["-ldl"] }]]
    }
  ]
}
